package org.logitlab.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A GBNF expression for the decimal integers in {@code [minimum, maximum]} (either end may be open), written digit
 * by digit the way llama.cpp's {@code _generate_min_max_int} does: per digit count, a common prefix, then a lower
 * part, a free middle and an upper part. Numbers are canonical JSON integers: no leading zeros, no "-0".
 */
final class IntegerRangeGrammar {

    /** Open ends stop at 16 digits, like the unbounded JSON integer rule. */
    private static final int MAX_DIGITS = 16;

    private IntegerRangeGrammar() {}

    /** Integer bounds (2020-12: exclusive bounds are numbers) narrowed to an inclusive integer range. */
    static String forSchema(JsonNode schema, String path) {
        Long minimum = null;
        Long maximum = null;
        if (schema.has("minimum")) {
            minimum = (long) Math.ceil(bound(schema, "minimum", path));
        }
        if (schema.has("exclusiveMinimum")) {
            long exclusive = (long) Math.floor(bound(schema, "exclusiveMinimum", path)) + 1;
            minimum = minimum == null ? exclusive : Math.max(minimum, exclusive);
        }
        if (schema.has("maximum")) {
            maximum = (long) Math.floor(bound(schema, "maximum", path));
        }
        if (schema.has("exclusiveMaximum")) {
            long exclusive = (long) Math.ceil(bound(schema, "exclusiveMaximum", path)) - 1;
            maximum = maximum == null ? exclusive : Math.min(maximum, exclusive);
        }
        if (minimum == null && maximum == null) {
            return "json-integer";
        }
        if (minimum != null && maximum != null && minimum > maximum) {
            throw JsonSchemaGrammar.unsupported(
                    path, "no integer lies between the minimum " + minimum + " and the maximum " + maximum);
        }
        return expression(minimum, maximum) + " space";
    }

    private static double bound(JsonNode schema, String keyword, String path) {
        JsonNode value = schema.get(keyword);
        if (!value.isNumber() || Math.abs(value.asDouble()) > 1e15) {
            throw JsonSchemaGrammar.unsupported(
                    path + "/" + keyword, keyword + " must be a number within +-1e15, got " + value);
        }
        return value.asDouble();
    }

    /** {@code minimum}/{@code maximum} are null for an open end. */
    static String expression(Long minimum, Long maximum) {
        if (minimum != null && maximum != null && minimum > maximum) {
            throw new IllegalArgumentException("minimum " + minimum + " is above maximum " + maximum);
        }
        List<String> alternatives = new ArrayList<>();
        if (minimum == null || minimum < 0) {
            // Negative numbers: "-" and a magnitude in [max(1, -maximum), -minimum].
            long lowMagnitude = maximum == null || maximum >= 0 ? 1 : -maximum;
            alternatives.add("\"-\" " + nonNegative(lowMagnitude, minimum == null ? null : -minimum));
        }
        if (maximum == null || maximum >= 0) {
            alternatives.add(nonNegative(minimum == null ? 0 : Math.max(0, minimum), maximum));
        }
        return "(" + String.join(" | ", alternatives) + ")";
    }

    /** Integers in {@code [low, high]} with {@code 0 <= low}; {@code high} null means no upper bound. */
    private static String nonNegative(long low, Long high) {
        String lowText = Long.toString(low);
        int highDigits = high == null ? MAX_DIGITS : Long.toString(high).length();
        List<String> alternatives = new ArrayList<>();
        for (int digits = lowText.length(); digits <= highDigits; digits++) {
            String from = digits == lowText.length() ? lowText : "1" + "0".repeat(digits - 1);
            String to = high != null && digits == highDigits ? Long.toString(high) : "9".repeat(digits);
            alternatives.add(sameLength(from, to));
        }
        return "(" + String.join(" | ", alternatives) + ")";
    }

    /** Strings of the same length between {@code from} and {@code to} inclusive, digit by digit. */
    private static String sameLength(String from, String to) {
        if (from.isEmpty()) {
            return "\"\"";
        }
        char first = from.charAt(0);
        char last = to.charAt(0);
        String fromRest = from.substring(1);
        String toRest = to.substring(1);
        int rest = fromRest.length();
        if (first == last) {
            return "[" + first + "] " + sameLength(fromRest, toRest);
        }
        if (fromRest.equals("0".repeat(rest)) && toRest.equals("9".repeat(rest))) {
            return "[" + first + "-" + last + "]" + anyDigits(rest);
        }
        List<String> alternatives = new ArrayList<>();
        alternatives.add("[" + first + "] " + sameLength(fromRest, "9".repeat(rest)));
        if (last - first >= 2) {
            alternatives.add("[" + (char) (first + 1) + "-" + (char) (last - 1) + "]" + anyDigits(rest));
        }
        alternatives.add("[" + last + "] " + sameLength("0".repeat(rest), toRest));
        return "(" + String.join(" | ", alternatives) + ")";
    }

    private static String anyDigits(int count) {
        return count == 0 ? "" : " [0-9]{" + count + "}";
    }
}
