package dev.ibex.attribution.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.api.spi.SampleRows;
import dev.ibex.api.spi.ScoreMode;
import java.util.Arrays;

/**
 * RISE (Petsiuk et al., 2018): the expected target score under random soft masks of the input,
 * {@code S = Σ_i score(x ⊙ M_i) · M_i / (N · p)}, with the masks of {@link RiseMasks}. The same
 * seeded masks serve every sample; masked inputs go through the model in chunks ({@code
 * internal-batch-size} when given, else as many as {@code memory-budget} allows), and the
 * score-weighted masks are summed in fixed blocks of masks, so the chunk size does not change the
 * result. The score is, as in the authors' code, the softmax probability of the target class
 * ({@code score=softmax}, class targets only); {@code score=target} uses the target's own score (a
 * logit, or a score function such as a cosine similarity). {@code masks} forward passes per sample
 * (+1 to resolve a class target), no gradients. Output: (N, H, W).
 */
@AutoService(Attributor.class)
public final class Rise extends AbstractAttributor {
  // masks per block of the score-weighted sum
  private static final int SUM_BLOCK = 32;
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.integer(
                  "masks", 4000, "number of random masks N (the paper uses 4000 for ResNet-50)")
              .withRange(1, 1_000_000),
          OptionSpec.integer("cells", 7, "grid cells per side of the coarse mask")
              .withRange(1, 1024),
          OptionSpec.real("p", 0.5, "probability that a grid cell is kept").withRange(1e-3, 1.0),
          StandardOptions.SEED.withDoc("random seed of the masks"),
          StandardOptions.INTERNAL_BATCH_SIZE
              .withDefault(null)
              .withDoc(
                  "masked inputs per model call; when not given, as many as memory-budget allows"),
          StandardOptions.MEMORY_BUDGET,
          StandardOptions.SCORE.withDoc(
              "softmax: probability of the target class (the authors'); target: the"
                  + " target's own score (a logit, or a score function: give score=target for one)"));

  public Rise() {
    super(
        "rise",
        "Score-weighted average of random soft masks of the input (Petsiuk et al. 2018)",
        OPTIONS);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    Shape in = ctx.input().getShape();
    int n = (int) in.get(0);
    int height = (int) in.get(2);
    int width = (int) in.get(3);
    int cells = ctx.options().getInt("cells");
    if (cells > Math.min(height, width)) {
      throw new InvalidOptionException(
          "option 'cells' = " + cells + " exceeds the input's " + height + "x" + width + " size");
    }
    double p = ctx.options().getDouble("p");
    RiseMasks masks =
        RiseMasks.generate(
            ctx.options().getInt("seed"), ctx.options().getInt("masks"), cells, p, height, width);
    NDArray x = ctx.input();
    ScoreMode mode = ScoreMode.of(ctx.options());
    mode.requireClassTargetForSoftmax(ctx.target(), name());
    ResolvedTarget target = ctx.resolvedTarget();
    int count = masks.count();
    double[][] scores = new double[n][count];
    Chunks.forEach(
        count,
        MemoryBudget.of(
            ctx,
            name() + " masked inputs",
            x,
            (rows, m) -> {
              int[] first = new int[rows]; // copies of the first sample
              mode.score(target, ctx.model().forward(SampleRows.gather(x, first, m)), first);
            }),
        ctx.scratch(),
        (m0, m1, chunk) -> {
          NDArray soft = masks.masks(m0, m1, chunk).expandDims(1).toType(x.getDataType(), false);
          int[] rows = new int[m1 - m0];
          for (int j = 0; j < n; j++) {
            try (NDManager sample = chunk.newSubManager()) {
              Arrays.fill(rows, j);
              NDArray image = x.get(j);
              image.attach(sample);
              NDArray out = ctx.model().forward(image.mul(soft));
              double[] s = SampleRows.toDoubles(mode.score(target, out, rows));
              System.arraycopy(s, 0, scores[j], m0, s.length);
            }
          }
        });
    // Σ_i score_i · M_i over fixed blocks of masks, in order: the same sums for any chunking
    NDArray saliency =
        ctx.scratch().zeros(new Shape(n, (long) height * width), x.getDataType(), x.getDevice());
    for (int b0 = 0; b0 < count; b0 += SUM_BLOCK) {
      int b1 = Math.min(count, b0 + SUM_BLOCK);
      try (NDManager block = ctx.scratch().newSubManager()) {
        double[] w = new double[n * (b1 - b0)];
        for (int j = 0; j < n; j++) {
          System.arraycopy(scores[j], b0, w, j * (b1 - b0), b1 - b0);
        }
        NDArray weights =
            block
                .create(w, new Shape(n, b1 - b0))
                .toDevice(x.getDevice(), false)
                .toType(x.getDataType(), false);
        NDArray flat =
            masks
                .masks(b0, b1, block)
                .reshape(b1 - b0, (long) height * width)
                .toType(x.getDataType(), false);
        saliency.addi(weights.matMul(flat));
      }
    }
    double norm = count * p;
    return saliency.reshape(n, height, width).div(norm);
  }
}
