package org.logitlab.model;

import java.util.List;
import org.logitlab.tensor.FloatKernels;
import org.logitlab.tensor.WeightMatrix;
import org.logitlab.tensor.WorkerPool;

/**
 * The Llama-family forward pass over a batch of tokens (batched prefill when the batch has more than one):
 * pre-norm blocks of grouped-query attention with RoPE and a SwiGLU feed-forward network, as in llama.cpp's
 * {@code llm_build_llama}/{@code llm_build_qwen2}/{@code llm_build_qwen3}. Single-owner state lives in
 * {@link Scratch}; the model itself is never mutated.
 */
public final class Transformer {
    private final Model model;
    private final ModelConfig config;
    private final float thetaScale;

    public Transformer(Model model) {
        this.model = model;
        this.config = model.config();
        this.thetaScale = (float) Math.pow(config.ropeFrequencyBase(), -2.0 / config.ropeDimensions());
    }

    /** Reusable buffers for one batch size; grown on demand, never shrunk. */
    public static final class Scratch {
        int capacity;
        float[] hidden;
        float[] normalized;
        float[] query;
        float[] key;
        float[] value;
        float[] attention;
        float[] gate;
        float[] up;
        float[] cosines = new float[0];
        float[] sines = new float[0];
        final BatchLayout layout = new BatchLayout();
        float[] packedLogits = new float[0];
        private int[] runStarts = new int[0];

        /** The reusable array of attention runs' first tokens, at least {@code length} long. */
        int[] runStarts(int length) {
            if (runStarts.length < length) {
                runStarts = new int[length];
            }
            return runStarts;
        }

        void ensure(ModelConfig config, int tokens) {
            if (tokens <= capacity) {
                return;
            }
            capacity = tokens;
            hidden = new float[tokens * config.embeddingLength()];
            normalized = new float[tokens * Math.max(config.embeddingLength(), config.queryDimension())];
            query = new float[tokens * config.queryDimension()];
            key = new float[tokens * config.keyValueDimension()];
            value = new float[tokens * config.keyValueDimension()];
            attention = new float[tokens * config.queryDimension()];
            gate = new float[tokens * config.feedForwardLength()];
            up = new float[tokens * config.feedForwardLength()];
        }
    }

    /**
     * Runs {@code tokens} at positions {@code start .. start+tokens.length-1}, writing their keys and values
     * into {@code cache}, and the logits of the requested positions into {@code logits}.
     *
     * @param allPositions logits for every new position (row-major, {@code tokens.length × vocab}); otherwise
     *     only for the last one (one row) — prefill then skips the vocabulary projection of the others
     */
    public void forward(
            Scratch scratch, KeyValueCache cache, int[] tokens, int start, float[] logits, boolean allPositions) {
        forward(scratch, cache, tokens, null, start, logits, allPositions);
    }

    /**
     * Like {@link #forward(Scratch, KeyValueCache, int[], int, float[], boolean)} for a token tree (speculative
     * verification): node {@code t} is stored in cache slot {@code start + t}, sits at position
     * {@code start + depth(t)} and attends to the cached prefix plus its ancestors and itself — a tree attention
     * mask, so every branch is evaluated in the one batched pass.
     *
     * @param parents {@code parents[t]} is the index of node t's parent in this batch ({@code < t}), or −1 when
     *     its parent is the last cached token; null means a plain sequence (each node's parent is the previous)
     */
    public void forward(
            Scratch scratch,
            KeyValueCache cache,
            int[] tokens,
            int[] parents,
            int start,
            float[] logits,
            boolean allPositions) {
        forward(scratch, List.of(new SequenceInput(cache, start, tokens, parents, allPositions)), new float[][] {logits
        });
    }

    /**
     * One forward pass over several sequences at once (continuous batching): every weight matrix multiplies
     * the tokens of all sequences together, while each token attends only within its own sequence's cache.
     * Results equal running the sequences one by one.
     *
     * @param logits per sequence, an array of at least {@code logitRows() × vocab} floats
     */
    public void forward(Scratch scratch, List<SequenceInput> sequences, float[][] logits) {
        if (logits.length != sequences.size()) {
            throw new IllegalArgumentException(logits.length + " logits arrays for " + sequences.size() + " sequences");
        }
        BatchLayout layout = scratch.layout;
        layout.prepare(sequences);
        int count = layout.count;
        int dim = config.embeddingLength();
        scratch.ensure(config, count);
        float[] x = scratch.hidden;
        WeightMatrix embedding = model.tokenEmbedding();
        int t = 0;
        for (SequenceInput sequence : sequences) {
            for (int token : sequence.tokens()) {
                embedding.dequantizeRow(token, x, t++ * dim);
            }
        }
        List<LayerWeights> layers = model.layers();
        for (int layer = 0; layer < layers.size(); layer++) {
            attentionBlock(scratch, layer, layers.get(layer), count);
            feedForwardBlock(scratch, layers.get(layer), count);
        }
        int rows = layout.logitCount;
        float[] normalized = scratch.normalized;
        for (int row = 0; row < rows; row++) {
            rmsNorm(
                    x,
                    layout.logitTokens[row] * dim,
                    model.outputNorm(),
                    normalized,
                    row * dim,
                    dim,
                    config.rmsNormEpsilon());
        }
        if (sequences.size() == 1) {
            model.output().multiply(normalized, rows, logits[0]);
            return;
        }
        int vocabulary = config.vocabularySize();
        if (scratch.packedLogits.length < rows * vocabulary) {
            scratch.packedLogits = new float[rows * vocabulary];
        }
        model.output().multiply(normalized, rows, scratch.packedLogits);
        int offset = 0;
        for (int i = 0; i < sequences.size(); i++) {
            int length = sequences.get(i).logitRows() * vocabulary;
            System.arraycopy(scratch.packedLogits, offset, logits[i], 0, length);
            offset += length;
        }
    }

    private void attentionBlock(Scratch s, int layer, LayerWeights w, int count) {
        BatchLayout layout = s.layout;
        int dim = config.embeddingLength();
        int headDim = config.headDimension();
        int kvDim = config.keyValueDimension();
        int qDim = config.queryDimension();
        for (int t = 0; t < count; t++) {
            rmsNorm(s.hidden, t * dim, w.attentionNorm(), s.normalized, t * dim, dim, config.rmsNormEpsilon());
        }
        WeightMatrix.multiply(s.normalized, count, w.queryKeyValue(), new float[][] {s.query, s.key, s.value});
        addBias(s.query, w.queryBias(), count);
        addBias(s.key, w.keyBias(), count);
        addBias(s.value, w.valueBias(), count);
        for (int t = 0; t < count; t++) {
            ropeTable(s, layout.positions[t]);
            for (int h = 0; h < config.headCount(); h++) {
                int offset = t * qDim + h * headDim;
                if (w.queryNorm() != null) {
                    rmsNorm(s.query, offset, w.queryNorm(), s.query, offset, headDim, config.rmsNormEpsilon());
                }
                rope(s, s.query, offset);
            }
            for (int h = 0; h < config.keyValueHeadCount(); h++) {
                int offset = t * kvDim + h * headDim;
                if (w.keyNorm() != null) {
                    rmsNorm(s.key, offset, w.keyNorm(), s.key, offset, headDim, config.rmsNormEpsilon());
                }
                rope(s, s.key, offset);
            }
        }
        for (int t = 0; t < count; t++) {
            int slot = layout.slots[t] * kvDim;
            System.arraycopy(s.key, t * kvDim, layout.caches[t].keys(layer), slot, kvDim);
            System.arraycopy(s.value, t * kvDim, layout.caches[t].values(layer), slot, kvDim);
        }
        // Tasks: each head of each run of up to RUN consecutive tokens that share a cache (one sequence), so that
        // a key or value row read for one query serves the run's other queries while it is in cache.
        int[] runStarts = s.runStarts(count + 1);
        int runs = 0;
        for (int t = 0; t < count; t++) {
            if (t == 0 || layout.caches[t] != layout.caches[t - 1] || t - runStarts[runs - 1] == RUN) {
                runStarts[runs++] = t;
            }
        }
        runStarts[runs] = count;
        int heads = config.headCount();
        int tasks = runs * heads;
        WorkerPool.defaultPool().parallelFor(tasks, 1, (first, end) -> {
            for (int task = first; task < end; task++) {
                int run = task / heads;
                attendRun(s, layer, runStarts[run], runStarts[run + 1], task % heads);
            }
        });
        w.attentionOutput().multiply(s.attention, count, s.normalized);
        for (int i = 0; i < count * dim; i++) {
            s.hidden[i] += s.normalized[i];
        }
    }

    /** Most queries of one attention task. */
    private static final int RUN = 16;

    /** Per-thread attention scores (one row per query of a run), grown on demand (attention runs on the pool). */
    private static final ThreadLocal<float[][]> SCORES = ThreadLocal.withInitial(() -> new float[RUN][256]);

    private static final ThreadLocal<int[]> VISIBLE = ThreadLocal.withInitial(() -> new int[RUN]);

    /**
     * Scaled dot-product attention of query head {@code h} of batch tokens {@code [first, end)}, which share one
     * cache: each over its visible cache slots (causal, or the tree mask), softmax with a double-accumulated sum
     * as ggml's soft_max. Keys are visited in order for all queries of the run, values are summed for several
     * queries per row read; every query gets the float operations it gets alone, so a token's attention does not
     * depend on the batch it is computed in.
     */
    private void attendRun(Scratch s, int layer, int first, int end, int h) {
        BatchLayout layout = s.layout;
        float[] keys = layout.caches[first].keys(layer);
        float[] values = layout.caches[first].values(layer);
        int headDim = config.headDimension();
        int kvDim = config.keyValueDimension();
        int qDim = config.queryDimension();
        int kvOffset = (h / (config.headCount() / config.keyValueHeadCount())) * headDim;
        int queries = end - first;
        float[][] scores = SCORES.get();
        int[] visible = VISIBLE.get();
        int mostVisible = 0;
        for (int q = 0; q < queries; q++) {
            visible[q] = layout.slots[first + q] + 1; // causal: a token sees its own slot and every slot before it
            mostVisible = Math.max(mostVisible, visible[q]);
            if (scores[q].length < visible[q]) {
                scores[q] = new float[Math.max(visible[q], scores[q].length * 2)];
            }
        }
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int j = 0; j < mostVisible; j++) {
            int keyOffset = j * kvDim + kvOffset;
            for (int q = 0; q < queries; q++) {
                if (j >= visible[q]) {
                    continue;
                }
                int t = first + q;
                boolean[] treeMask = layout.visible[t];
                int start = layout.sequenceStarts[t];
                scores[q][j] = treeMask != null && j >= start && !treeMask[j - start]
                        ? Float.NEGATIVE_INFINITY // a node of another branch of the tree
                        : FloatKernels.dot(s.query, t * qDim + h * headDim, keys, keyOffset, headDim) * scale;
            }
        }
        for (int q = 0; q < queries; q++) {
            softmax(scores[q], visible[q]);
        }
        FloatKernels.weightedSums(
                scores,
                visible,
                queries,
                values,
                kvOffset,
                kvDim,
                s.attention,
                first * qDim + h * headDim,
                qDim,
                headDim);
    }

    /** In place over {@code scores[0, count)}; −∞ scores (masked slots) get exactly 0. */
    private static void softmax(float[] scores, int count) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j < count; j++) {
            float e = scores[j] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(scores[j] - max);
            scores[j] = e;
            sum += e;
        }
        float inverseSum = (float) (1.0 / sum);
        for (int j = 0; j < count; j++) {
            scores[j] *= inverseSum;
        }
    }

    private void feedForwardBlock(Scratch s, LayerWeights w, int count) {
        int dim = config.embeddingLength();
        int ffn = config.feedForwardLength();
        for (int t = 0; t < count; t++) {
            rmsNorm(s.hidden, t * dim, w.feedForwardNorm(), s.normalized, t * dim, dim, config.rmsNormEpsilon());
        }
        float[] gate = s.gate;
        float[] up = s.up;
        // SwiGLU, gated row by row on the threads that computed the rows.
        WeightMatrix.multiplyPaired(s.normalized, count, w.gate(), gate, w.up(), up, (startRow, endRow) -> {
            for (int t = 0; t < count; t++) {
                for (int i = t * ffn + startRow; i < t * ffn + endRow; i++) {
                    float g = gate[i];
                    gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
                }
            }
        });
        w.down().multiply(s.gate, count, s.normalized);
        for (int i = 0; i < count * dim; i++) {
            s.hidden[i] += s.normalized[i];
        }
    }

    private static void addBias(float[] rows, float[] bias, int count) {
        if (bias == null) {
            return;
        }
        for (int t = 0; t < count; t++) {
            int offset = t * bias.length;
            for (int i = 0; i < bias.length; i++) {
                rows[offset + i] += bias[i];
            }
        }
    }

    /**
     * RMSNorm as ggml computes it: the sum of squares accumulated in double, the mean and the scale in
     * float, then the element-wise weight. {@code out} may alias {@code x}.
     */
    static void rmsNorm(float[] x, int xOffset, float[] weight, float[] out, int outOffset, int n, float epsilon) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + epsilon);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = (x[xOffset + i] * scale) * weight[i];
        }
    }

    /**
     * cos/sin of every rotated pair at {@code position}. ggml builds θ_i by repeated float32 multiplication
     * (theta *= theta_scale, starting from the position) and applies linear scaling as freq_scale · θ; we
     * follow the same float32 sequence so positions rotate bit-for-bit alike.
     */
    private void ropeTable(Scratch s, int position) {
        int pairs = config.ropeDimensions() / 2;
        if (s.cosines.length < pairs) {
            s.cosines = new float[pairs];
            s.sines = new float[pairs];
        }
        float theta = position;
        for (int i = 0; i < pairs; i++) {
            float angle = config.ropeFrequencyScale() * theta;
            s.cosines[i] = (float) Math.cos(angle);
            s.sines[i] = (float) Math.sin(angle);
            theta *= thetaScale;
        }
    }

    private void rope(Scratch s, float[] vector, int offset) {
        int pairs = config.ropeDimensions() / 2;
        boolean neox = config.architecture().ropeStyle() == Architecture.RopeStyle.NEOX;
        for (int i = 0; i < pairs; i++) {
            float cos = s.cosines[i];
            float sin = s.sines[i];
            int first = neox ? offset + i : offset + 2 * i;
            int second = neox ? offset + i + pairs : first + 1;
            float x0 = vector[first];
            float x1 = vector[second];
            vector[first] = x0 * cos - x1 * sin;
            vector[second] = x0 * sin + x1 * cos;
        }
    }
}
