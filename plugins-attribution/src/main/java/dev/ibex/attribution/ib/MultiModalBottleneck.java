package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.GraphConstants;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.GradientScope;
import dev.ibex.api.spi.Gradients;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.api.spi.SampleRows;
import dev.ibex.api.spi.SeededNoise;
import dev.ibex.attribution.core.OrderedSums;
import java.util.List;
import java.util.Random;

/**
 * M2IB, the multi-modal information bottleneck (Wang et al., NeurIPS 2023), as its authors' code
 * does it: a per-element bottleneck on the activation h of {@code layer}, λ = sigmoid(α) with α
 * initialised to {@code init}, Z = λ⊙h + (1−λ)⊙ε; capacity per element KL(N(λh, (1−λ)²) ‖ N(0,1));
 * loss = β·mean(capacity) − mean(score over the noise draws); α fitted per sample with Adam (lr
 * {@code lr}) over {@code steps} steps of {@code draws} noise draws each. The map is the capacity
 * the authors' code buffers in its last forward pass — after {@code steps − 1} updates; the last
 * step cannot change it and is skipped, so a sample costs {@code (steps − 1) · draws} forward and
 * backward passes — summed over features (image: class token dropped, patch grid upsampled to the
 * input; text: per token), min-max scaled. The rows of a step (sample × draw) go through the model
 * in chunks ({@code internal-batch-size} when given, else as many as {@code memory-budget} allows);
 * each row's gradient is taken on its own leaf and summed per sample in row order, so the chunk
 * size does not change the result.
 *
 * <p>The authors' code draws ε ~ N(0, 1) although it fits the activations' mean and standard
 * deviation (a bug: Schulz et al.'s IBA standardises with them). {@code noise=standard} reproduces
 * the code; {@code noise=fitted} standardises h with the per-feature mean and deviation over the
 * batch's tokens, as the method intends. Noise is drawn from a seeded generator, so a seed gives
 * one result. The β of the code is parsed as an integer (another bug); here it is a real number.
 */
@AutoService(Attributor.class)
public final class MultiModalBottleneck extends TokenAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.LAYER.withDoc(
              "split point: the bottleneck sits on this activation (required)"),
          OptionSpec.real("beta", 0.1, "weight of the capacity term (the authors use 0.1)")
              .withRange(0, 1e6),
          OptionSpec.integer("steps", 10, "Adam steps per sample").withRange(1, 10_000),
          OptionSpec.integer("draws", 10, "noise draws per step (the authors' batch of 10)")
              .withRange(1, 10_000),
          OptionSpec.real("lr", 1.0, "Adam learning rate").withRange(1e-9, 1e3),
          OptionSpec.real(
                  "init", 5.0, "initial α (λ = sigmoid(α) starts near 1: everything passes)")
              .withRange(-50, 50),
          OptionSpec.choice(
              "noise",
              "standard",
              List.of("standard", "fitted"),
              "standard: ε ~ N(0,1) as the authors' code; fitted: standardise h by its per-feature batch statistics"),
          OptionSpec.real("noise-scale", 1.0, "multiplies ε (0: a deterministic bottleneck)")
              .withRange(0, 100),
          StandardOptions.SEED.withDoc("seed of the noise draws"),
          MODALITY,
          CLASS_TOKEN,
          NORMALISE,
          StandardOptions.INTERNAL_BATCH_SIZE
              .withDefault(null)
              .withDoc(
                  "rows (sample × draw) per model call; when not given, as many as memory-budget"
                      + " allows"),
          StandardOptions.MEMORY_BUDGET);

  public MultiModalBottleneck() {
    super(
        "m2ib",
        "Multi-modal information bottleneck (Wang et al. NeurIPS 2023): per-sample fitted noise bottleneck",
        OPTIONS);
  }

  @Override
  protected NDArray tokenScores(AttributionContext ctx, String layer, NDArray h) {
    Options o = ctx.options();
    Standardizer standardizer = o.getString("noise").equals("fitted") ? Standardizer.fit(h) : null;
    ResolvedTarget target = ctx.resolvedTarget();
    NDArray capacity = fit(ctx, layer, h, standardizer, target);
    return capacity.sum(new int[] {-1});
  }

  /** Fits α for every sample at once and returns the final per-element capacity (N, …). */
  private NDArray fit(
      AttributionContext ctx,
      String layer,
      NDArray h,
      Standardizer standardizer,
      ResolvedTarget target) {
    Options o = ctx.options();
    ExplainableModel model = ctx.model();
    NDArray x = ctx.input();
    NDManager scratch = ctx.scratch();
    NDArray standardized = standardizer == null ? h : standardizer.apply(h);
    int samples = (int) h.getShape().get(0);
    int draws = o.getInt("draws");
    double beta = o.getDouble("beta");
    float scale = (float) o.getDouble("noise-scale");
    Random random = new Random(o.getInt("seed"));
    Adam adam = new Adam(o.getDouble("lr"));
    NDArray alpha = h.zerosLike().add((float) o.getDouble("init"));
    alpha.attach(scratch);
    Shape featureShape = h.getShape().slice(1);
    Tail tail = new Tail(model, layer, x, standardized, standardizer, target, draws);
    NDArray initial = alpha;
    MemoryBudget budget =
        MemoryBudget.of(
            ctx,
            name() + " noisy activations at " + layer,
            h,
            (rows, m) -> {
              int[] first = new int[rows]; // copies of the first sample, noise-free
              NDArray lambda = initial.getNDArrayInternal().sigmoid();
              lambda.attach(m);
              tail.gradient(
                  lambda, first, m.zeros(new Shape(rows).addAll(featureShape), h.getDataType()), m);
            });
    // The authors' map is the capacity buffered in the forward pass of the last step, before that
    // step's update: λ after steps − 1 updates. The last step's forward, backward and update cannot
    // change it, so they are not run.
    for (int step = 0; step < o.getInt("steps") - 1; step++) {
      try (NDManager stepScope = scratch.newSubManager()) {
        NDArray lambda = alpha.getNDArrayInternal().sigmoid();
        lambda.attach(stepScope);
        // G = ∂(−Σ scores / draws)/∂λ, summed per sample over its draws: the rows (sample × draw)
        // go through the tail in chunks, each row's gradient taken on its own leaf
        NDArray scoreGradient = lambda.zerosLike();
        Chunks.forEachSampleMajor(
            samples,
            draws,
            budget,
            stepScope,
            (from, to, sampleOfRow, chunk) -> {
              NDArray eps =
                  SeededNoise.gaussian(
                          chunk, new Shape(to - from).addAll(featureShape), random, scale)
                      .toDevice(h.getDevice(), false)
                      .toType(h.getDataType(), false);
              OrderedSums.addSampleMajor(
                  scoreGradient,
                  tail.gradient(lambda, sampleOfRow, eps, chunk),
                  from,
                  to,
                  draws,
                  chunk);
            });
        // the capacity term, and the chain through λ = sigmoid(α), on a fresh leaf:
        // ∂/∂α [β · N · mean(capacity(λ)) + Σ λ ⊙ G]
        NDArray leaf = alpha.duplicate();
        leaf.attach(stepScope);
        leaf.setRequiresGradient(true);
        try (GradientScope scope = GradientScope.open(model.manager().getEngine())) {
          NDArray lam = leaf.getNDArrayInternal().sigmoid();
          NDArray mean = capacity(lam, standardized).mean();
          NDArray loss =
              mean.mul(GraphConstants.scalar(mean, beta))
                  .mul(GraphConstants.scalar(mean, samples))
                  .add(lam.mul(scoreGradient).sum());
          scope.backwardSegment(loss);
        }
        NDArray updated = adam.step(alpha, leaf.getGradient(), scratch);
        alpha.close();
        alpha = updated;
      }
    }
    return capacity(alpha.getNDArrayInternal().sigmoid(), standardized);
  }

  /** The noisy bottleneck's rows through the rest of the model. */
  private record Tail(
      ExplainableModel model,
      String layer,
      NDArray x,
      NDArray standardized,
      Standardizer standardizer,
      ResolvedTarget target,
      int draws) {
    /**
     * ∂(−Σ scores / draws)/∂λ_r for each row r: Z = λ⊙h + (1−λ)⊙ε of the row's sample (in the
     * standardised space when noise=fitted, mapped back for the tail), one forward and one backward
     * pass per row.
     */
    NDArray gradient(NDArray lambda, int[] sampleOfRow, NDArray eps, NDManager m) {
      NDArray zRows = SampleRows.gather(standardized, sampleOfRow, m);
      NDArray xRows = SampleRows.gather(x, sampleOfRow, m);
      NDArray lambdaRows = Gradients.leaf(SampleRows.gather(lambda, sampleOfRow, m));
      try (GradientScope scope = GradientScope.open(model)) {
        NDArray z = lambdaRows.mul(zRows).add(lambdaRows.neg().add(1).mul(eps));
        NDArray tailInput = standardizer == null ? z : standardizer.invert(z);
        NDArray scores = target.score(model.fromLayer(layer, tailInput, xRows), sampleOfRow);
        // constants through GraphConstants: DJL's mul(Number) frees the number before backward
        NDArray sum = scores.sum();
        scope.backward(sum.div(GraphConstants.scalar(sum, draws)).neg(), sampleOfRow.length);
      }
      return lambdaRows.getGradient();
    }
  }

  /** KL(N(λ·h, (1−λ)²) ‖ N(0, 1)) per element. */
  static NDArray capacity(NDArray lambda, NDArray h) {
    NDArray mean = lambda.mul(h);
    NDArray std = lambda.neg().add(1).maximum(GraphConstants.scalar(lambda, 1e-12));
    return std.square()
        .add(mean.square())
        .sub(1)
        .mul(GraphConstants.scalar(lambda, 0.5))
        .sub(std.log());
  }
}
