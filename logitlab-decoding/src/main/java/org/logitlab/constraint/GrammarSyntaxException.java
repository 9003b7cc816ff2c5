package org.logitlab.constraint;

/** A grammar (GBNF, regex or JSON Schema) that cannot be compiled; the message says where and why. */
public final class GrammarSyntaxException extends IllegalArgumentException {

    private final int line;
    private final int column;

    public GrammarSyntaxException(String problem, int line, int column) {
        super("line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    public GrammarSyntaxException(String problem) {
        super(problem);
        this.line = 0;
        this.column = 0;
    }

    /** 1-based line of the problem, or 0 when the problem has no single place (e.g. left recursion). */
    public int line() {
        return line;
    }

    /** 1-based column of the problem, or 0 when the problem has no single place. */
    public int column() {
        return column;
    }

    static GrammarSyntaxException at(String text, int offset, String problem) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new GrammarSyntaxException(problem, line, column);
    }
}
