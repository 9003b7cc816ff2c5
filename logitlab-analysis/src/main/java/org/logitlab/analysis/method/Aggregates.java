package org.logitlab.analysis.method;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.logitlab.analysis.scoring.TokenRecord;

/** Sums, means and lowest-fraction selection shared by the methods. */
final class Aggregates {
    private Aggregates() {}

    static double[] map(List<TokenRecord> records, ToDoubleFunction<TokenRecord> value) {
        double[] values = new double[records.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value.applyAsDouble(records.get(i));
        }
        return values;
    }

    static double sum(double[] values) {
        double sum = 0.0;
        for (double value : values) {
            sum += value;
        }
        return sum;
    }

    /**
     * Indices of the ⌈fraction · n⌉ smallest values (at least one), ties broken by position — the selection of Min-K%
     * Prob (Shi et al. 2024), whose reference code keeps int(n · k) but at least one token.
     */
    static int[] lowestFraction(double[] values, double fraction) {
        int count = Math.max(1, (int) Math.ceil(fraction * values.length - 1e-9));
        return IntStream.range(0, values.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> values[i]).thenComparingInt(i -> i))
                .limit(count)
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
    }

    /** Contributions that spread the mean of {@code values} at {@code selected} over those positions. */
    static double[] meanOver(double[] values, int[] selected) {
        double[] contributions = new double[values.length];
        for (int index : selected) {
            contributions[index] = values[index] / selected.length;
        }
        return contributions;
    }

    static void requireFraction(String parameter, double fraction) {
        if (!(fraction > 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException(parameter + " must be in (0, 1], got " + fraction);
        }
    }
}
