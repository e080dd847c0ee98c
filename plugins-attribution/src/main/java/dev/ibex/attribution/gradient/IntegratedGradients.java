package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableList;
import dev.ibex.api.Attributor;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Gradients;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.api.spi.SampleRows;
import dev.ibex.attribution.core.PathIntegral;
import java.util.Arrays;

/**
 * Integrated gradients (Sundararajan et al., 2017): {@code (x − x') ⊙ ∫₀¹ ∂F(x' + α(x − x'))/∂x
 * dα}, the integral approximated by a {@link Quadrature} rule with Captum's nodes and weights.
 *
 * <p>Batching: the {@code steps × N} path points are laid out step-major (as Captum) and go through
 * the model in chunks, each one forward and one backward: {@code internal-batch-size} rows when
 * given, else as many as {@code memory-budget} allows ({@link MemoryBudget}). The result does not
 * depend on the chunk size.
 *
 * <p>Passes per sample: {@code steps} forward + {@code steps} backward for the integral, plus 2
 * forward rows for the endpoints F(x) and F(x'), evaluated together in one batched forward without
 * gradient before the path (it also resolves the target, e.g. the predicted class). So the default
 * 50 steps cost 52 forward / 50 backward per sample.
 *
 * <p>Diagnostics: {@code completeness-gap} = Σ attribution − (F(x) − F(x')) per sample (small when
 * the quadrature is accurate) and {@code score-difference} = F(x) − F(x').
 *
 * <p>Token ids (N, L): integrated gradients at the embeddings of the {@code embedding} split point,
 * as Captum's {@code LayerIntegratedGradients} on an embedding layer: the path runs from the
 * embeddings of a reference token sequence ({@code reference-token} everywhere but the {@code
 * keep-tokens}) to the input's, every point continued by the tail with the input's own ids (so a
 * model's attention mask is the input's throughout, as Captum's {@code additional_forward_args});
 * the result is summed over the embedding dimension to one score per token. F(x') is the tail at
 * the reference embeddings.
 */
@AutoService(Attributor.class)
public final class IntegratedGradients extends AbstractAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.integer("steps", 50, "number of quadrature nodes along the path")
              .withRange(1, 100_000),
          StandardOptions.BASELINE.withDoc(
              "reference input: zeros, blur (Gaussian-blurred input), a constant such as 0.5; from Java also a Number or an NDArray of the input's shape"),
          OptionSpec.real("blur-sigma", 5.0, "σ in pixels of the blur baseline")
              .withRange(1e-3, 1e4),
          OptionSpec.choice(
              "quadrature",
              "gausslegendre",
              Arrays.stream(Quadrature.values())
                  .map(Quadrature::optionName)
                  .collect(ImmutableList.toImmutableList()),
              "integration rule, with Captum's nodes and weights"),
          StandardOptions.INTERNAL_BATCH_SIZE
              .withDefault(null)
              .withDoc(
                  "path points per forward/backward pass; when not given, as many as"
                      + " memory-budget allows"),
          StandardOptions.MEMORY_BUDGET,
          TokenEmbeddings.EMBEDDING,
          TokenEmbeddings.REFERENCE_TOKEN,
          TokenEmbeddings.KEEP_TOKENS);

  public IntegratedGradients() {
    super(
        "integrated-gradients",
        "Integrated gradients from a baseline, Captum's quadrature rules (Sundararajan et al. 2017)",
        OPTIONS);
  }

  @Override
  protected void validateInput(NDArray input) {
    TokenEmbeddings.validate(input);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    int steps = ctx.options().getInt("steps");
    double[][] rule = Quadrature.of(ctx.options().getString("quadrature")).rule(steps);
    if (TokenEmbeddings.isTokens(ctx.input())) {
      return atEmbeddings(ctx, rule);
    }
    NDArray x = ctx.input();
    NDArray baseline =
        Baselines.resolve(
            ctx.options().get("baseline").orElseThrow(),
            ctx.options().getDouble("blur-sigma"),
            x,
            ctx.scratch());

    // endpoints first, in one batch without gradient: F(x) resolves the target, F(x') closes
    // the gap
    Endpoints ends =
        Endpoints.of(ctx, ctx.model().forward(NDArrays.concat(new NDList(x, baseline))));
    ResolvedTarget target = ends.target();

    NDArray diff = x.sub(baseline);
    NDArray integral =
        PathIntegral.weightedGradients(
            baseline,
            diff,
            rule[0],
            rule[1],
            (points, pointRows) ->
                Gradients.ofInput(ctx.model(), points, target, null, pointRows).gradient(),
            MemoryBudget.of(
                ctx,
                name() + " path points",
                x,
                (probeRows, m) -> {
                  int[] first = new int[probeRows]; // copies of the first sample
                  Gradients.ofInput(
                      ctx.model(), SampleRows.gather(x, first, m), target, null, first);
                }));
    NDArray attribution = integral.mul(diff);

    return ends.withCompleteness(ctx, attribution);
  }

  /** Integrated gradients of token ids at their embeddings (see the class comment). */
  private NDArray atEmbeddings(AttributionContext ctx, double[][] rule) {
    ExplainableModel model = ctx.model();
    String layer = TokenEmbeddings.layer(ctx);
    NDArray x = ctx.input();
    NDArray h = TokenEmbeddings.embed(ctx, x);
    NDArray h0 = TokenEmbeddings.embed(ctx, TokenEmbeddings.reference(ctx.options(), x));

    // endpoints in one batch without gradient, both continued with the input's ids
    Endpoints ends =
        Endpoints.of(
            ctx,
            model.fromLayer(
                layer, NDArrays.concat(new NDList(h, h0)), NDArrays.concat(new NDList(x, x))));
    ResolvedTarget target = ends.target();

    NDArray diff = h.sub(h0);
    NDArray integral =
        PathIntegral.atLayer(
            ctx,
            layer,
            h0,
            diff,
            rule[0],
            rule[1],
            x,
            target,
            name() + " embedding path points at " + layer);
    NDArray attribution = TokenEmbeddings.perToken(integral.mul(diff));

    return ends.withCompleteness(ctx, attribution);
  }

  /**
   * The model's scores at the two ends of every path, from one batch (the N inputs, then the N
   * baselines) that also resolves the target on the inputs.
   *
   * @param target the target, resolved on F(x)
   * @param delta F(x) − F(x') per sample
   */
  private record Endpoints(ResolvedTarget target, double[] delta) {
    static Endpoints of(AttributionContext ctx, NDArray ends) {
      int n = ctx.samples();
      ResolvedTarget target = ctx.resolveWith(ends.get("0:" + n));
      int[] rows = SampleRows.identity(n);
      double[] fx = SampleRows.toDoubles(target.score(ends.get("0:" + n), rows));
      double[] fb = SampleRows.toDoubles(target.score(ends.get(n + ":"), rows));
      double[] delta = new double[n];
      for (int i = 0; i < n; i++) {
        delta[i] = fx[i] - fb[i];
      }
      return new Endpoints(target, delta);
    }

    /** Records Σ attribution − (F(x) − F(x')) per sample, and F(x) − F(x'), as diagnostics. */
    NDArray withCompleteness(AttributionContext ctx, NDArray attribution) {
      double[] sums = SampleRows.sumPerSample(attribution);
      double[] gap = new double[delta.length];
      for (int i = 0; i < delta.length; i++) {
        gap[i] = sums[i] - delta[i];
      }
      ctx.diagnostic("completeness-gap", gap);
      ctx.diagnostic("score-difference", delta);
      return attribution;
    }
  }
}
