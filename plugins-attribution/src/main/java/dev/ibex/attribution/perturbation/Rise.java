package dev.ibex.attribution.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
import dev.ibex.api.spi.ScoreMode;
import java.util.Arrays;

/**
 * RISE (Petsiuk et al., 2018): the expected target score under random soft masks of the input,
 * {@code S = Σ_i score(x ⊙ M_i) · M_i / (N · p)}, with the masks of {@link RiseMasks}. The same
 * seeded masks serve every sample; masked inputs go through the model {@code internal-batch-size}
 * at a time. The score is, as in the authors' code, the softmax probability of the target class
 * ({@code score=softmax}, class targets only); {@code score=target} uses the target's own score (a
 * logit, or a score function such as a cosine similarity). {@code masks} forward passes per sample
 * (+1 to resolve a class target), no gradients. Output: (N, H, W).
 */
@AutoService(Attributor.class)
public final class Rise extends AbstractAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.integer(
                  "masks", 4000, "number of random masks N (the paper uses 4000 for ResNet-50)")
              .withRange(1, 1_000_000),
          OptionSpec.integer("cells", 7, "grid cells per side of the coarse mask")
              .withRange(1, 1024),
          OptionSpec.real("p", 0.5, "probability that a grid cell is kept").withRange(1e-3, 1.0),
          StandardOptions.SEED.withDoc("random seed of the masks"),
          StandardOptions.INTERNAL_BATCH_SIZE.withDoc("masked inputs per model call"),
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
    int batch = ctx.options().getInt("internal-batch-size");
    RiseMasks masks =
        RiseMasks.generate(
            ctx.options().getInt("seed"), ctx.options().getInt("masks"), cells, p, height, width);
    NDArray x = ctx.input();
    ScoreMode mode = ScoreMode.of(ctx.options());
    mode.requireClassTargetForSoftmax(ctx.target(), name());
    ResolvedTarget target = ctx.resolvedTarget();
    NDArray[] saliency = new NDArray[n];
    for (int j = 0; j < n; j++) {
      saliency[j] =
          ctx.scratch().zeros(new Shape(1, (long) height * width), x.getDataType(), x.getDevice());
    }
    Chunks.forEach(
        masks.count(),
        batch,
        ctx.scratch(),
        (m0, m1, chunk) -> {
          NDArray m = masks.masks(m0, m1, chunk);
          NDArray flat = m.reshape(m1 - m0, (long) height * width);
          NDArray soft = m.expandDims(1).toType(x.getDataType(), false);
          for (int j = 0; j < n; j++) {
            try (NDManager sample = chunk.newSubManager()) {
              int[] rows = new int[m1 - m0];
              Arrays.fill(rows, j);
              NDArray image = x.get(j);
              image.attach(sample);
              NDArray out = ctx.model().forward(image.mul(soft));
              NDArray scores = mode.score(target, out, rows).toType(x.getDataType(), false);
              saliency[j].addi(
                  scores.reshape(1, m1 - m0).matMul(flat.toType(x.getDataType(), false)));
            }
          }
        });
    double norm = masks.count() * p;
    return NDArrays.concat(new NDList(saliency)).reshape(n, height, width).div(norm);
  }
}
