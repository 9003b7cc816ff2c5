package org.logitlab.server.scheduler;

import java.util.List;

/**
 * Finds stop sequences in streamed text. Text that could still turn out to be the start of a stop sequence is
 * held back until the next piece decides it, so streamed output never contains (part of) a stop sequence, as
 * OpenAI's API promises.
 */
final class StopSequences {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopSequences(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds newly decoded text; returns the text that can be released now. */
    String accept(String piece) {
        if (stopped) {
            return "";
        }
        if (stops.isEmpty()) {
            return piece;
        }
        held.append(piece);
        int earliest = -1;
        for (String stop : stops) {
            int index = held.indexOf(stop);
            if (index >= 0 && (earliest < 0 || index < earliest)) {
                earliest = index;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            String released = held.substring(0, earliest);
            held.setLength(0);
            return released;
        }
        int keep = longestSuffixThatStartsAStop();
        String released = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return released;
    }

    boolean stopped() {
        return stopped;
    }

    /** Releases whatever is held back (the sequence ended without completing a stop sequence). */
    String flush() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    private int longestSuffixThatStartsAStop() {
        String text = held.toString();
        int longest = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, text.length()); length > longest; length--) {
                if (text.regionMatches(text.length() - length, stop, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}
