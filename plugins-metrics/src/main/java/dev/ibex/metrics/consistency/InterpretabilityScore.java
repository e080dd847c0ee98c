package dev.ibex.metrics.consistency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Metric;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.ImageBatch;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.ImageMetric;
import dev.ibex.metrics.core.SampleRandom;
import dev.ibex.metrics.core.Stats;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Interpretability score (Lai et al., "Information Bottleneck Approach to Spatial Attention
 * Learning", IJCAI 2021, §4.4, Table 2): the share of prediction-consistent samples whose maps stay
 * consistent under a modification that should not change the decision. Each sample is modified
 * once; it is prediction-consistent if the model's argmax class is unchanged (others are skipped
 * and counted in {@code skipped}); its map is consistent (score 1, else 0) if the cosine similarity
 * of the flattened, min-max normalised maps of the original (the given attributions) and the
 * modified input (the attributor re-run, target pinned to the original classes) is at least {@code
 * min-cosine}. Modifications:
 *
 * <ul>
 *   <li>{@code colour-block}: a p×p block ({@code size}) at a random position, of a random colour
 *       (per channel uniform between that channel's minimum and maximum over the batch);
 *   <li>{@code foreign-patch}: a p×p patch cut at a random position from a random image of {@code
 *       foreign-images} (another data set, e.g. SVHN for CIFAR), pasted at a random position;
 *   <li>{@code high-pass} / {@code low-pass}: only the Fourier components at radius ≥ {@code
 *       high-pass-radius} (paper: r &gt; 4) or &lt; {@code low-pass-radius} (paper: r &lt; 12) are
 *       kept ({@link FrequencyFilter}, after Wang et al. CVPR 2020).
 * </ul>
 *
 * The model must be a classifier ((N, classes) output). Extras: {@code cosine} per sample. Higher
 * is better.
 */
@AutoService(Metric.class)
public final class InterpretabilityScore extends ImageMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.choice(
              "modification",
              "colour-block",
              List.of("colour-block", "foreign-patch", "high-pass", "low-pass"),
              "how each input is modified"),
          OptionSpec.integer("size", 8, "side p of the occluding block or patch, in pixels")
              .withMin(1),
          OptionSpec.real("high-pass-radius", 4, "high-pass keeps frequencies at radius >= this")
              .withMin(0),
          OptionSpec.real("low-pass-radius", 12, "low-pass keeps frequencies at radius < this")
              .withMin(0),
          OptionSpec.real(
                  "min-cosine", 0.9, "cosine similarity at or above which maps are consistent")
              .withRange(-1, 1),
          OptionSpec.value(
              "foreign-images",
              null,
              "foreign-patch: an NDArray (M,C,H',W') of images from another data set, H',W' >= size (Java only)"),
          StandardOptions.SEED,
          StandardOptions.INTERNAL_BATCH_SIZE.withDefault(32),
          StandardOptions.CHANNEL_REDUCTION);

  public InterpretabilityScore() {
    super(
        "interpretability-score",
        "Share of prediction-consistent samples whose maps stay consistent under occlusion or filtering (AIB, Lai et al. 2021)",
        Direction.HIGHER_IS_BETTER,
        RE_ATTRIBUTED,
        OPTIONS);
  }

  @Override
  protected Scores compute(MetricContext ctx, ImageBatch x, SpatialMaps maps) {
    float[][] modified = modified(x, ctx.options());
    int batch = ctx.options().getInt(StandardOptions.INTERNAL_BATCH_SIZE.name());
    double minCosine = ctx.options().getDouble("min-cosine");
    int n = x.samples();
    ResolvedTarget resolved = ctx.resolveTarget();
    double[] out = new double[n];
    double[] cos = new double[n];
    try (NDManager m = ctx.scratch().newSubManager()) {
      NDArray xm =
          x.stack(m, modified)
              .toType(ctx.inputs().getDataType(), false)
              .toDevice(ctx.inputs().getDevice(), false);
      int[] before = predictions(ctx, ctx.local(ctx.inputs(), m), batch);
      int[] after = predictions(ctx, xm, batch);
      SpatialMaps re = ctx.reattribute(xm, ctx.pinnedTarget(resolved));
      if (re.size() != maps.size()) {
        throw new InvalidInputException(
            ctx.metric() + ": the attributor's maps do not match the given attributions");
      }
      for (int i = 0; i < n; i++) {
        cos[i] = Stats.cosine(Stats.minMax(maps.values()[i]), Stats.minMax(re.values()[i]));
        out[i] = before[i] != after[i] ? Double.NaN : cos[i] >= minCosine ? 1 : 0;
      }
    }
    return Scores.perSample(out).extra("cosine", cos);
  }

  /** Every sample, modified once as the {@code modification} option says. */
  private static float[][] modified(ImageBatch x, Options o) {
    String how = o.getString("modification");
    ImageBatch foreign = how.equals("foreign-patch") ? foreign(o, x) : null;
    float[][] modified = new float[x.samples()][];
    for (int i = 0; i < modified.length; i++) {
      modified[i] = modify(x, i, how, foreign, o);
    }
    return modified;
  }

  /** Sample i of the batch, modified as {@code how} says. */
  private static float[] modify(ImageBatch x, int i, String how, ImageBatch foreign, Options o) {
    switch (how) {
      case "high-pass":
      case "low-pass":
        return FrequencyFilter.filter(
            x.pixels()[i],
            x.channels(),
            x.height(),
            x.width(),
            o.getDouble(how + "-radius"),
            how.equals("low-pass"));
      default:
        // this sample's own range and seed: a score never depends on the batch
        Random rnd = SampleRandom.of(o.getInt("seed"), x.pixels()[i]);
        return occlude(x, i, o.getInt("size"), foreign, channelRange(x, i), rnd);
    }
  }

  /** The predicted class of every row, {@code batch} rows per forward pass. */
  private static int[] predictions(MetricContext ctx, NDArray x, int batch) {
    int n = (int) x.getShape().get(0);
    int[] out = new int[n];
    Chunks.forEach(
        n,
        batch,
        ctx.scratch(),
        (start, end, chunk) -> {
          NDArray rows = x.get(start + ":" + end);
          rows.attach(chunk);
          System.arraycopy(argmax(ctx.model().forward(rows)), 0, out, start, end - start);
        });
    return out;
  }

  private static int[] argmax(NDArray output) {
    if (output.getShape().dimension() != 2) {
      throw new InvalidInputException(
          "interpretability-score needs a classifier with (N, classes) output, got "
              + output.getShape());
    }
    long[] a = output.argMax(1).toType(DataType.INT64, false).toLongArray();
    int[] r = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = (int) a[i];
    }
    return r;
  }

  private static ImageBatch foreign(Options o, ImageBatch x) {
    Object v =
        o.get("foreign-images")
            .orElseThrow(
                () ->
                    new InvalidOptionException(
                        "interpretability-score: modification=foreign-patch needs the option foreign-images"));
    if (!(v instanceof NDArray)) {
      throw new InvalidOptionException(
          "option 'foreign-images' must be an NDArray (M,C,H',W'), got "
              + v.getClass().getSimpleName());
    }
    ImageBatch f = ImageBatch.of((NDArray) v);
    int p = o.getInt("size");
    if (f.channels() != x.channels() || f.height() < p || f.width() < p) {
      throw new InvalidOptionException(
          String.format(
              Locale.ROOT,
              "foreign-images must have %d channels and sides >= %d, got %dx%dx%d",
              x.channels(),
              p,
              f.channels(),
              f.height(),
              f.width()));
    }
    return f;
  }

  /**
   * Per channel, the [min, max] of one sample's values: where its occluding colours are drawn from.
   */
  private static float[][] channelRange(ImageBatch x, int sample) {
    float[][] r = new float[x.channels()][];
    float[] px = x.pixels()[sample];
    for (int c = 0; c < x.channels(); c++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int p = 0; p < x.area(); p++) {
        lo = Math.min(lo, px[c * x.area() + p]);
        hi = Math.max(hi, px[c * x.area() + p]);
      }
      r[c] = new float[] {lo, hi};
    }
    return r;
  }

  private static float[] occlude(
      ImageBatch x, int i, int p, ImageBatch foreign, float[][] range, Random rnd) {
    if (p > x.height() || p > x.width()) {
      throw new InvalidInputException(
          "interpretability-score: size " + p + " exceeds the image " + x.sampleShape());
    }
    float[] row = x.pixels()[i].clone();
    int y0 = rnd.nextInt(x.height() - p + 1);
    int x0 = rnd.nextInt(x.width() - p + 1);
    int j = foreign == null ? 0 : rnd.nextInt(foreign.samples());
    int fy = foreign == null ? 0 : rnd.nextInt(foreign.height() - p + 1);
    int fx = foreign == null ? 0 : rnd.nextInt(foreign.width() - p + 1);
    for (int c = 0; c < x.channels(); c++) {
      float colour = range[c][0] + rnd.nextFloat() * (range[c][1] - range[c][0]);
      for (int dy = 0; dy < p; dy++) {
        for (int dx = 0; dx < p; dx++) {
          float v =
              foreign == null
                  ? colour
                  : foreign.pixels()[j][c * foreign.area() + (fy + dy) * foreign.width() + fx + dx];
          row[c * x.area() + (y0 + dy) * x.width() + x0 + dx] = v;
        }
      }
    }
    return row;
  }
}
