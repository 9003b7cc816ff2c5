package org.logitlab.analysis.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.logitlab.tokenizer.Tokenizer;

/**
 * How often each token occurs in a reference corpus, the token frequency distribution of DC-PDD (Zhang et al.
 * 2024), with Laplace smoothing so unseen tokens keep a small probability: f(v) = (c_v + 1) / (N + |V|). The
 * counts must come from the same tokenizer as the scored model.
 */
public final class TokenFrequencies {
    static final String FORMAT = "logitlab-token-frequencies-v1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final long[] counts;
    private final long total;

    private TokenFrequencies(long[] counts) {
        this.counts = counts;
        long sum = 0;
        for (long count : counts) {
            sum += count;
        }
        this.total = sum;
    }

    /** A table over {@code counts} (copied), indexed by token id. */
    public static TokenFrequencies ofCounts(long[] counts) {
        if (counts == null || counts.length == 0) {
            throw new IllegalArgumentException(
                    "counts must cover a non-empty vocabulary, got " + (counts == null ? "null" : "0 entries"));
        }
        for (int id = 0; id < counts.length; id++) {
            if (counts[id] < 0) {
                throw new IllegalArgumentException("counts[" + id + "] must be >= 0, got " + counts[id]);
            }
        }
        return new TokenFrequencies(counts.clone());
    }

    /** Counts the tokens of every text (encoded without BOS/EOS, which say nothing about the corpus). */
    public static TokenFrequencies fromTexts(Tokenizer tokenizer, Iterable<String> texts) {
        long[] counts = new long[tokenizer.vocabularySize()];
        for (String text : texts) {
            for (int token : tokenizer.encode(text, false, false)) {
                counts[token]++;
            }
        }
        return new TokenFrequencies(counts);
    }

    public int vocabularySize() {
        return counts.length;
    }

    /** N, the number of counted tokens. */
    public long total() {
        return total;
    }

    public long count(int id) {
        checkId(id);
        return counts[id];
    }

    /** log f(id) = log((c + 1) / (N + |V|)), always finite and < 0. */
    public double logProbability(int id) {
        checkId(id);
        return Math.log(counts[id] + 1.0) - Math.log((double) total + counts.length);
    }

    /** Writes the table as JSON: {@code {"format", "vocabularySize", "total", "counts": [...]}}. */
    public void write(Path file) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("vocabularySize", counts.length);
        root.put("total", total);
        ArrayNode array = root.putArray("counts");
        for (long count : counts) {
            array.add(count);
        }
        MAPPER.writeValue(file.toFile(), root);
    }

    /** Reads a table {@link #write} wrote; names the file and the field that is wrong. */
    public static TokenFrequencies read(Path file) throws IOException {
        JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException(file + ": not a token frequency table (expected \"format\": \"" + FORMAT + "\")");
        }
        JsonNode array = root.path("counts");
        if (!array.isArray() || array.size() != root.path("vocabularySize").asInt(-1)) {
            throw new IOException(file + ": \"counts\" must be an array of \"vocabularySize\" entries");
        }
        long[] counts = new long[array.size()];
        for (int id = 0; id < counts.length; id++) {
            JsonNode count = array.get(id);
            if (!count.canConvertToLong() || count.asLong() < 0) {
                throw new IOException(file + ": counts[" + id + "] must be a count >= 0, got " + count);
            }
            counts[id] = count.asLong();
        }
        return new TokenFrequencies(counts);
    }

    private void checkId(int id) {
        if (id < 0 || id >= counts.length) {
            throw new IndexOutOfBoundsException("token id must be in [0, " + counts.length + "), got " + id
                    + "; was the frequency table built with this model's tokenizer?");
        }
    }
}
