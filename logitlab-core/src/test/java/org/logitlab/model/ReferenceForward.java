package org.logitlab.model;

import org.logitlab.gguf.GgufFile;
import org.logitlab.gguf.GgufTensor;
import org.logitlab.tensor.WeightMatrix;

/**
 * A deliberately naive double-precision forward pass (no KV cache, no batching, textbook formulas) used as an
 * independent reference for architectures without llama.cpp golden outputs (e.g. qwen3).
 */
final class ReferenceForward {
    private final GgufFile file;
    private final ModelConfig config;

    ReferenceForward(Model model) {
        this.file = model.file();
        this.config = model.config();
    }

    private double[][] matrix(String name) {
        GgufTensor tensor = file.requireTensor(name);
        WeightMatrix matrix = WeightMatrix.of(tensor);
        double[][] rows = new double[matrix.rows()][matrix.columns()];
        float[] row = new float[matrix.columns()];
        for (int r = 0; r < matrix.rows(); r++) {
            matrix.dequantizeRow(r, row, 0);
            for (int c = 0; c < row.length; c++) {
                rows[r][c] = row[c];
            }
        }
        return rows;
    }

    private double[] vector(String name) {
        return file.tensor(name).isPresent() ? matrix(name)[0] : null;
    }

    private static double[] multiply(double[][] w, double[] x) {
        double[] out = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            for (int c = 0; c < x.length; c++) {
                out[r] += w[r][c] * x[c];
            }
        }
        return out;
    }

    private double[] rmsNorm(double[] x, double[] weight) {
        double sum = 0;
        for (double v : x) {
            sum += v * v;
        }
        double scale = 1 / Math.sqrt(sum / x.length + config.rmsNormEpsilon());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    private void rope(double[] head, int position) {
        int d = config.ropeDimensions();
        boolean neox = config.architecture().ropeStyle() == Architecture.RopeStyle.NEOX;
        for (int i = 0; i < d / 2; i++) {
            double theta = position * config.ropeFrequencyScale() * Math.pow(config.ropeFrequencyBase(), -2.0 * i / d);
            int a = neox ? i : 2 * i;
            int b = neox ? i + d / 2 : 2 * i + 1;
            double x0 = head[a];
            double x1 = head[b];
            head[a] = x0 * Math.cos(theta) - x1 * Math.sin(theta);
            head[b] = x0 * Math.sin(theta) + x1 * Math.cos(theta);
        }
    }

    /** Logits after each token of {@code tokens}, computed from scratch. */
    double[][] logits(int[] tokens) {
        int n = tokens.length;
        int dim = config.embeddingLength();
        int headDim = config.headDimension();
        double[][] embedding = matrix("token_embd.weight");
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = embedding[tokens[t]].clone();
        }
        for (int layer = 0; layer < config.layerCount(); layer++) {
            String p = "blk." + layer + ".";
            double[][] wq = matrix(p + "attn_q.weight"),
                    wk = matrix(p + "attn_k.weight"),
                    wv = matrix(p + "attn_v.weight");
            double[] bq = vector(p + "attn_q.bias"), bk = vector(p + "attn_k.bias"), bv = vector(p + "attn_v.bias");
            double[] qNorm = vector(p + "attn_q_norm.weight"), kNorm = vector(p + "attn_k_norm.weight");
            double[][][] q = new double[n][][], k = new double[n][][], v = new double[n][][];
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], vector(p + "attn_norm.weight"));
                q[t] = heads(add(multiply(wq, h), bq), config.headCount(), qNorm, t);
                k[t] = heads(add(multiply(wk, h), bk), config.keyValueHeadCount(), kNorm, t);
                v[t] = split(add(multiply(wv, h), bv), config.keyValueHeadCount());
            }
            double[][] wo = matrix(p + "attn_output.weight");
            int group = config.headCount() / config.keyValueHeadCount();
            for (int t = 0; t < n; t++) {
                double[] attended = new double[config.queryDimension()];
                for (int h = 0; h < config.headCount(); h++) {
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        scores[j] = dot(q[t][h], k[j][h / group]) / Math.sqrt(headDim);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int i = 0; i < headDim; i++) {
                            attended[h * headDim + i] += scores[j] / sum * v[j][h / group][i];
                        }
                    }
                }
                x[t] = add(x[t], multiply(wo, attended));
            }
            double[][] gate = matrix(p + "ffn_gate.weight"),
                    up = matrix(p + "ffn_up.weight"),
                    down = matrix(p + "ffn_down.weight");
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], vector(p + "ffn_norm.weight"));
                double[] g = multiply(gate, h), u = multiply(up, h);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                x[t] = add(x[t], multiply(down, g));
            }
        }
        double[][] output = file.tensor("output.weight").isPresent() ? matrix("output.weight") : embedding;
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = multiply(output, rmsNorm(x[t], vector("output_norm.weight")));
        }
        return logits;
    }

    private double[][] heads(double[] flat, int count, double[] norm, int position) {
        double[][] heads = split(flat, count);
        for (double[] head : heads) {
            if (norm != null) {
                System.arraycopy(rmsNorm(head, norm), 0, head, 0, head.length);
            }
            rope(head, position);
        }
        return heads;
    }

    private double[][] split(double[] flat, int count) {
        int size = flat.length / count;
        double[][] heads = new double[count][size];
        for (int h = 0; h < count; h++) {
            System.arraycopy(flat, h * size, heads[h], 0, size);
        }
        return heads;
    }

    private static double[] add(double[] a, double[] b) {
        if (b == null) {
            return a;
        }
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
