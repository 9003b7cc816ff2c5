package org.logitlab.constraint;

/** One symbol in an alternative of a grammar rule: a terminal character set or a reference to a rule. */
public sealed interface GrammarSymbol {

    /** Matches one code point from {@code characters}. */
    record Terminal(CharacterSet characters) implements GrammarSymbol {
        public Terminal {
            if (characters == null) {
                throw new IllegalArgumentException("characters must not be null");
            }
        }
    }

    /** Matches anything the rule with index {@code rule} matches. */
    record RuleReference(int rule) implements GrammarSymbol {
        public RuleReference {
            if (rule < 0) {
                throw new IllegalArgumentException("rule index must be >= 0, got " + rule);
            }
        }
    }
}
