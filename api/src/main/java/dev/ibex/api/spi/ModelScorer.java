package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.StandardOptions;
import java.util.function.IntFunction;

/**
 * Scores rows through the model in batches: for a class target the softmax probability (or the
 * logit) of the sample's class; for a score-function target (e.g. {@code Target.cosineSimilarity})
 * the function itself. Rows are built on demand so that a long curve of perturbations never sits in
 * memory at once.
 */
public final class ModelScorer {
  private final ExplainableModel model;
  private final ResolvedTarget target;
  private final ScoreMode mode;
  private final int batchSize;
  private final NDManager scratch;
  private final double[] original;
  private final ai.djl.ndarray.types.DataType inputType;

  private ModelScorer(
      ExplainableModel model,
      ResolvedTarget target,
      ScoreMode mode,
      int batchSize,
      NDManager scratch,
      double[] original,
      ai.djl.ndarray.types.DataType inputType) {
    this.model = model;
    this.target = target;
    this.mode = mode;
    this.batchSize = batchSize;
    this.scratch = scratch;
    this.original = original;
    this.inputType = inputType;
  }

  /**
   * Resolves the context's target on its input batch (one forward pass) and reads the {@code score}
   * and {@code internal-batch-size} options.
   *
   * @param ctx the metric call
   * @return the scorer
   */
  public static ModelScorer of(MetricContext ctx) {
    ExplainableModel model = ctx.model();
    try (NDManager m = ctx.scratch().newSubManager()) {
      NDArray x = ctx.local(ctx.inputs(), m);
      NDArray out = model.forward(x);
      ResolvedTarget t = ctx.target().resolve(out);
      ScoreMode mode = ScoreMode.of(ctx.options());
      int bs = ctx.options().getInt(StandardOptions.INTERNAL_BATCH_SIZE.name());
      ModelScorer s = new ModelScorer(model, t, mode, bs, ctx.scratch(), null, x.getDataType());
      double[] orig = s.scoreOutput(out, range((int) x.getShape().get(0)));
      return new ModelScorer(model, t, mode, bs, ctx.scratch(), orig, x.getDataType());
    }
  }

  /**
   * @return the score of each original sample
   */
  public double[] original() {
    return original.clone();
  }

  /**
   * @return the resolved target
   */
  public ResolvedTarget target() {
    return target;
  }

  /**
   * Scores model outputs.
   *
   * @param output (rows, ...) model output
   * @param sampleOfRow the sample each row derives from
   * @return (rows) scores
   */
  public double[] scoreOutput(NDArray output, int[] sampleOfRow) {
    float[] s =
        mode.score(target, output, sampleOfRow).toType(DataType.FLOAT32, false).toFloatArray();
    double[] d = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = s[i];
    }
    return d;
  }

  /**
   * Scores image rows built on demand, {@code internal-batch-size} rows per forward pass.
   *
   * @param images the batch the rows derive from (for their shape)
   * @param row builds row r (C·H·W values)
   * @param sampleOfRow the sample each row derives from
   * @return one score per row
   */
  public double[] scoreRows(ImageBatch images, IntFunction<float[]> row, int[] sampleOfRow) {
    int rows = sampleOfRow.length;
    double[] out = new double[rows];
    Chunks.forEach(
        rows,
        batchSize,
        scratch,
        (start, end, m) -> {
          float[][] chunk = new float[end - start][];
          for (int r = start; r < end; r++) {
            chunk[r - start] = row.apply(r);
          }
          int[] samples = java.util.Arrays.copyOfRange(sampleOfRow, start, end);
          // rows are built as float32 in Java; the model gets them in the input's own type
          NDArray x =
              images.stack(m, chunk).toType(inputType, false).toDevice(model.device(), false);
          double[] s = scoreOutput(model.forward(x), samples);
          System.arraycopy(s, 0, out, start, s.length);
        });
    return out;
  }

  /**
   * @param n a count
   * @return 0..n-1
   */
  public static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
