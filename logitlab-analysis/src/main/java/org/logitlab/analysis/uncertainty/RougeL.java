package org.logitlab.analysis.uncertainty;

/** ROUGE-L (Lin 2004): F1 of the longest common subsequence of the two texts' whitespace-separated words. */
public final class RougeL {
    private RougeL() {}

    /** F1 = 2·LCS / (|a| + |b|) in words; 1 for two empty texts, 0 if exactly one is empty. */
    public static double f1(String first, String second) {
        String[] a = words(first);
        String[] b = words(second);
        if (a.length == 0 || b.length == 0) {
            return a.length == b.length ? 1.0 : 0.0;
        }
        int[] previous = new int[b.length + 1];
        int[] current = new int[b.length + 1];
        for (String word : a) {
            for (int j = 1; j <= b.length; j++) {
                current[j] = word.equals(b[j - 1]) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        int common = previous[b.length];
        return 2.0 * common / (a.length + b.length);
    }

    private static String[] words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
    }
}
