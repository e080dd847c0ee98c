package dev.ibex.attribution.wrapper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.plugins.PluginCalls;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.api.spi.SampleRows;
import dev.ibex.attribution.core.OrderedSums;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A noise tunnel around any attributor (Smilkov et al., 2017, "SmoothGrad"; Captum's {@code
 * NoiseTunnel}): the base method runs on {@code samples} noisy copies {@code x + ε}, ε ~ N(0, σ²)
 * with σ = {@code stdev} · (max(x) − min(x)) per sample (the paper's noise level relative to the
 * input range), and the results are combined per sample:
 *
 * <ul>
 *   <li>{@code smoothgrad}: the mean of the attributions;
 *   <li>{@code smoothgrad-sq}: the mean of their squares;
 *   <li>{@code vargrad}: their variance, mean of squares − square of the mean (as Captum).
 * </ul>
 *
 * <p>Noise is drawn in Java from {@code java.util.Random(seed)}, row by row in a fixed order, so
 * the same seed gives the same result on any device and for any chunking. The noisy rows go to the
 * base method in chunks ({@code internal-batch-size} rows when given, else as many as {@code
 * memory-budget} allows; every attributor treats rows independently, and the rows are summed one by
 * one in order), each row scored for the target of the sample it came from. The target is resolved
 * once on the clean input (one forward pass per sample, so "predicted" means the clean prediction);
 * the rest of the passes are the base method's, {@code samples} times over. The base method's
 * per-row diagnostics are averaged per sample and reported under the same names.
 *
 * <p>Token ids (N, L): the noise goes at the embeddings of the base method's {@code embedding}
 * split point (σ relative to each sample's embedding range), the ids stay as they are; a path
 * method's reference sequence keeps clean embeddings (see {@link NoisyEmbeddings}).
 */
public final class NoiseTunnel extends AbstractAttributor {
  /** The options of every noise tunnel. */
  static final OptionSpec[] NOISE_OPTIONS = {
    OptionSpec.choice(
        "variant",
        "smoothgrad",
        List.of("smoothgrad", "smoothgrad-sq", "vargrad"),
        "how the noisy attributions combine: mean, mean of squares, or variance"),
    OptionSpec.integer("samples", 50, "noisy copies per input").withRange(1, 100_000),
    OptionSpec.real(
            "stdev",
            0.15,
            "noise standard deviation relative to the input range max - min of each sample")
        .withRange(0, 1e6),
    StandardOptions.SEED.withDoc("seed of the noise; the same seed gives the same result"),
    StandardOptions.INTERNAL_BATCH_SIZE
        .withDefault(null)
        .withDoc(
            "noisy rows per call of the base method; when not given, as many as memory-budget allows"),
    StandardOptions.MEMORY_BUDGET
  };

  private static final OptionSchema OPTIONS = OptionSchema.of(NOISE_OPTIONS);

  private final Attributor base;
  private final Options baseOptions;

  /**
   * A noise tunnel around a base attributor with its default options.
   *
   * @param base the attributor to smooth
   */
  public NoiseTunnel(Attributor base) {
    this(base, base.options().defaults());
  }

  /**
   * A noise tunnel around a base attributor.
   *
   * @param base the attributor to smooth
   * @param baseOptions the options it runs with, from {@code base.options()}
   */
  public NoiseTunnel(Attributor base, Options baseOptions) {
    super(
        "noise-tunnel",
        "Noise tunnel (SmoothGrad, SmoothGrad-squared, VarGrad) around "
            + Objects.requireNonNull(base, "base").name(),
        OPTIONS);
    this.base = base;
    this.baseOptions = Objects.requireNonNull(baseOptions, "baseOptions");
  }

  @Override
  protected void validateInput(NDArray input) {
    validate(input);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    return smooth(ctx, base, baseOptions);
  }

  static void validate(NDArray input) {
    if (isTokens(input)) {
      return; // token ids: the noise goes at their embeddings
    }
    if (input.getShape().dimension() < 2) {
      throw new InvalidInputException(
          "input must be a batch (N, ...) of rank >= 2, got " + input.getShape());
    }
    Inputs.requireFinite(input, "input");
  }

  /**
   * The noise tunnel itself, reading the noise options from {@code ctx.options()} (shared by {@link
   * NoiseTunnel} and the {@code smoothgrad} plugin).
   */
  static NDArray smooth(AttributionContext ctx, Attributor base, Options baseOptions) {
    Options o = ctx.options();
    String variant = o.getString("variant");
    int draws = o.getInt("samples");
    double stdev = o.getDouble("stdev");
    Random random = new Random(o.getInt("seed"));
    NDArray x = ctx.input();
    int n = ctx.samples();
    String layer = isTokens(x) ? embeddingLayer(baseOptions) : null;
    NDArray noised = layer == null ? x : ctx.model().toLayer(layer, x).stopGradient();
    Shape rowShape = noised.getShape().slice(1);
    int size = (int) rowShape.size();

    ResolvedTarget resolved = ctx.resolvedTarget();
    float[] sigma = new float[n];
    NDArray flat = noised.reshape(n, -1);
    double[] max = SampleRows.toDoubles(flat.max(new int[] {1}));
    double[] min = SampleRows.toDoubles(flat.min(new int[] {1}));
    for (int i = 0; i < n; i++) {
      sigma[i] = (float) (stdev * (max[i] - min[i]));
    }

    NDArray[] sums = new NDArray[2]; // mean and mean of squares, per sample
    Map<String, double[]> diagnostics = new LinkedHashMap<>();
    Chunks.forEachSampleMajor(
        n,
        draws,
        MemoryBudget.of(
            ctx,
            "noise tunnel rows for " + base.name() + " " + baseOptions,
            x,
            (rows, m) -> {
              int[] first = new int[rows]; // copies of the first sample
              PluginCalls.attribute(
                  base,
                  ctx.model(),
                  SampleRows.gather(x, first, m),
                  rowTarget(ctx.target(), resolved, first),
                  baseOptions);
            }),
        ctx.scratch(),
        (from, to, sampleOfRow, chunk) -> {
          int rows = to - from;
          float[] noise = new float[rows * size];
          for (int r = 0; r < rows; r++) {
            float s = sigma[sampleOfRow[r]];
            for (int k = 0; k < size; k++) {
              noise[r * size + k] = (float) random.nextGaussian() * s;
            }
          }
          NDArray eps =
              chunk
                  .create(noise, new Shape(rows).addAll(rowShape))
                  .toDevice(x.getDevice(), false)
                  .toType(noised.getDataType(), false);
          NDArray rowsOfX = SampleRows.gather(x, sampleOfRow, chunk);
          NDArray noisy = layer == null ? rowsOfX.add(eps) : rowsOfX;
          ExplainableModel model =
              layer == null ? ctx.model() : new NoisyEmbeddings(ctx.model(), layer, rowsOfX, eps);
          Attribution a =
              PluginCalls.attribute(
                  base, model, noisy, rowTarget(ctx.target(), resolved, sampleOfRow), baseOptions);
          NDArray v = a.values();
          double[] share = new double[rows];
          Arrays.fill(share, 1.0 / draws);
          NDArray column = SampleRows.column(v, share, v.getShape().dimension());
          NDArray mean = v.mul(column);
          NDArray meanSq = v.mul(v).mul(column);
          if (sums[0] == null) {
            Shape perSample = new Shape(n).addAll(v.getShape().slice(1));
            sums[0] = ctx.scratch().zeros(perSample, v.getDataType(), v.getDevice());
            sums[1] = ctx.scratch().zeros(perSample, v.getDataType(), v.getDevice());
          }
          // one addition per row of each sample, in row order: the same sums for any chunking
          OrderedSums.addSampleMajor(sums[0], mean, from, to, draws, chunk);
          OrderedSums.addSampleMajor(sums[1], meanSq, from, to, draws, chunk);
          a.diagnostics()
              .forEach(
                  (name, perRow) -> {
                    double[] acc = diagnostics.computeIfAbsent(name, k -> new double[n]);
                    for (int r = 0; r < perRow.length; r++) {
                      acc[sampleOfRow[r]] += perRow[r] / draws;
                    }
                  });
        });
    diagnostics.forEach(ctx::diagnostic);
    switch (variant) {
      case "smoothgrad":
        return sums[0];
      case "smoothgrad-sq":
        return sums[1];
      default:
        return sums[1].sub(sums[0].mul(sums[0]));
    }
  }

  private static boolean isTokens(NDArray input) {
    return input.getShape().dimension() == 2 && !input.getDataType().isFloating();
  }

  /** The base method's embedding split point, where the noise goes for token ids. */
  private static String embeddingLayer(Options baseOptions) {
    return baseOptions
        .get("embedding")
        .map(Object::toString)
        .orElseThrow(
            () ->
                new InvalidOptionException(
                    "token ids get their noise at the embedding split point of the base method:"
                        + " give it embedding=NAME (smoothgrad: base-options=embedding=NAME)"));
  }

  /** The target for a batch of noisy rows: each row scored as the sample it came from. */
  private static Target rowTarget(Target original, ResolvedTarget resolved, int[] sampleOfRow) {
    if (resolved.classes().isPresent()) {
      int[] cls = resolved.classes().get();
      return Target.perSample(Arrays.stream(sampleOfRow).map(s -> cls[s]).toArray());
    }
    return Target.score(
        original.describe(),
        (output, rows) ->
            resolved.score(output, Arrays.stream(rows).map(r -> sampleOfRow[r]).toArray()));
  }
}
