package dev.ibex.metrics.faithfulness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.MetricInput;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.ImageBatch;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.ModelScorer;
import dev.ibex.api.spi.SampleRows;
import dev.ibex.api.spi.Scores;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.Stats;
import java.util.EnumSet;
import java.util.Set;

/**
 * The shared part of Confidence Drop and Confidence Increase (after Chattopadhay et al.,
 * Grad-CAM++, WACV 2018, §5.1, whose drop is relative; here the absolute form of pytorch-grad-cam's
 * {@code DropInConfidence}/{@code IncreaseInConfidence}, and as NIB, Zhu et al. ICLR 2025, and
 * M2IB, Wang et al. NeurIPS 2023, evaluate image-text models): the target score s of each sample is
 * compared with the score s' of the sample softly masked by its map, with no threshold.
 *
 * <ul>
 *   <li>{@code modality=image}: s' scores {@code x ⊙ m}, m the (H, W) map min-max normalised to [0,
 *       1] (by default) and broadcast over channels. With a class target the score is the softmax
 *       probability (or logit) of the class, as pytorch-grad-cam; with a score-function target such
 *       as {@code Target.cosineSimilarity(textEmbeddings)} it is the function, which gives the
 *       image side of NIB/M2IB (normalised pixels × soft map, cosine of the pair).
 *   <li>{@code modality=text}: the input is (N, L) token ids and the map (N, L) token scores. The
 *       token embeddings at {@code embedding-layer} ({@code model.toLayer}) are scaled by the
 *       (normalised) token scores and the rest of the model runs from there ({@code
 *       model.fromLayer}); the start token (position 0) and the end token (the position of the
 *       largest id, CLIP's convention) are left unscaled — NIB's evaluation strips SOT/EOT.
 * </ul>
 *
 * Extras: {@code score} (s) and {@code masked-score} (s') per sample.
 */
abstract class ConfidenceChange extends AbstractMetric {
  static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.MODALITY.withDoc(
              "image: input x map over pixels; text: token embeddings x token scores"),
          StandardOptions.NORMALISE
              .withDefault("minmax")
              .withDoc(
                  "normalise each map to [0,1] before masking (pytorch-grad-cam expects [0,1] maps)"),
          OptionSpec.text(
              "embedding-layer",
              null,
              "text modality: the split point whose output is the (N,L,D) token embeddings"),
          OptionSpec.bool(
              "exclude-start", true, "text modality: leave the first token (SOT) unscaled"),
          OptionSpec.bool(
              "exclude-end", true, "text modality: leave the end token (largest id, EOT) unscaled"),
          StandardOptions.SCORE,
          StandardOptions.INTERNAL_BATCH_SIZE.withDefault(32),
          StandardOptions.CHANNEL_REDUCTION);

  ConfidenceChange(String name, String description, Direction direction) {
    super(name, description, direction, MODEL_SCORED, OPTIONS);
  }

  /** The text side reads (N, L) token ids as its input. */
  @Override
  public Set<MetricInput.Part> needs(Options options) {
    Set<MetricInput.Part> needs = EnumSet.copyOf(super.needs(options));
    if (options.getString("modality").equals("text")) {
      needs.add(MetricInput.Part.TOKEN_IDS);
    }
    return needs;
  }

  /**
   * Scores one sample from s and s'.
   *
   * @param s the score of the sample
   * @param masked the score of the masked sample
   * @return the per-sample metric value
   */
  protected abstract double change(double s, double masked);

  @Override
  protected final Scores compute(MetricContext ctx) {
    Options o = ctx.options();
    boolean text = o.getString("modality").equals("text");
    // image maps must fit the images; the text side checks its token maps itself
    ImageBatch images = text ? null : ImageBatch.of(ctx.inputs());
    SpatialMaps maps = text ? ctx.maps() : ctx.mapsFor(images);
    double[][] m = new double[maps.samples()][];
    for (int i = 0; i < m.length; i++) {
      m[i] =
          o.getString("normalise").equals("minmax")
              ? Stats.minMax(maps.values()[i])
              : maps.values()[i];
    }
    ModelScorer scorer = ModelScorer.of(ctx);
    double[] s = scorer.original();
    double[] masked = text ? text(ctx, scorer, maps, m) : image(scorer, images, m);
    double[] out = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = change(s[i], masked[i]);
    }
    return Scores.perSample(out).extra("score", s).extra("masked-score", masked);
  }

  private static double[] image(ModelScorer scorer, ImageBatch x, double[][] m) {
    return scorer.scoreRows(
        x,
        i -> {
          float[] row = new float[x.rowSize()];
          for (int e = 0; e < row.length; e++) {
            row[e] = (float) (x.pixels()[i][e] * m[i][e % x.area()]);
          }
          return row;
        },
        ModelScorer.range(x.samples()));
  }

  private static double[] text(
      MetricContext ctx, ModelScorer scorer, SpatialMaps maps, double[][] m) {
    Options o = ctx.options();
    String layer =
        (String)
            o.get("embedding-layer")
                .orElseThrow(
                    () ->
                        new InvalidOptionException(
                            ctx.metric() + ": modality=text needs the option embedding-layer"));
    NDArray ids = ctx.inputs();
    if (ids.getShape().dimension() != 2) {
      throw new InvalidInputException(
          ctx.metric() + ": text input must be (N, L) token ids, got " + ids.getShape());
    }
    int n = (int) ids.getShape().get(0);
    int len = (int) ids.getShape().get(1);
    if (maps.samples() != n || maps.size() != len) {
      throw new InvalidInputException(
          ctx.metric()
              + ": token maps must be ("
              + n
              + ", "
              + len
              + "), got ("
              + maps.samples()
              + ", "
              + maps.size()
              + ")");
    }
    long[] tok = ids.toType(DataType.INT64, false).toLongArray();
    float[] scale = new float[n * len];
    for (int i = 0; i < n; i++) {
      int eot = 0;
      for (int t = 0; t < len; t++) {
        if (tok[i * len + t] > tok[i * len + eot]) {
          eot = t;
        }
      }
      for (int t = 0; t < len; t++) {
        boolean keep =
            (t == 0 && o.getBoolean("exclude-start")) || (t == eot && o.getBoolean("exclude-end"));
        scale[i * len + t] = keep ? 1f : (float) m[i][t];
      }
    }
    ExplainableModel model = ctx.model();
    int bs = o.getInt(StandardOptions.INTERNAL_BATCH_SIZE.name());
    double[] out = new double[n];
    Chunks.forEach(
        n,
        bs,
        ctx.scratch(),
        (start, end, sub) -> {
          NDArray chunk = ctx.local(ids, sub).get(start + ":" + end);
          NDArray emb = model.toLayer(layer, chunk);
          if (emb.getShape().dimension() != 3 || emb.getShape().get(1) != len) {
            throw new InvalidInputException(
                ctx.metric()
                    + ": layer '"
                    + layer
                    + "' must give (N, "
                    + len
                    + ", D) token embeddings, got "
                    + emb.getShape());
          }
          float[] part = new float[(end - start) * len];
          System.arraycopy(scale, start * len, part, 0, part.length);
          NDArray sc =
              sub.create(part, new Shape(end - start, len, 1))
                  .toType(emb.getDataType(), false)
                  .toDevice(emb.getDevice(), false);
          NDArray output =
              model.fromLayer(
                  layer, emb.mul(sc), chunk); // a text tower pools at EOT: it needs the ids
          int[] rows = SampleRows.identity(n);
          System.arraycopy(
              scorer.scoreOutput(output, java.util.Arrays.copyOfRange(rows, start, end)),
              0,
              out,
              start,
              end - start);
        });
    return out;
  }
}
