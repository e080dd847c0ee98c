package dev.ibex.metrics.localisation;

import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.metrics.core.Stats;
import java.util.List;

/**
 * How pixel-accuracy and mIoU turn a map into a predicted region: min-max normalise the map, then
 * keep the pixels strictly above a threshold — the map's mean (default) or a quantile of it. The
 * strict inequality means a constant map predicts nothing (and never divides by zero).
 */
final class Binarisation {
  private Binarisation() {}

  static final OptionSpec THRESHOLD =
      OptionSpec.choice(
          "threshold",
          "mean",
          List.of("mean", "quantile", "value"),
          "binarise the min-max normalised map above its mean, a quantile of it, or a fixed value");
  static final OptionSpec QUANTILE =
      OptionSpec.real("quantile", 0.5, "the quantile used when threshold=quantile").withRange(0, 1);
  static final OptionSpec VALUE =
      OptionSpec.real("value", 0.5, "the fixed threshold in [0,1] used when threshold=value")
          .withRange(0, 1);

  /** The options of a metric of the binarised map. */
  static final OptionSchema OPTIONS =
      OptionSchema.of(StandardOptions.CHANNEL_REDUCTION, THRESHOLD, QUANTILE, VALUE);

  /**
   * The binarised map against the mask: true and false positives and negatives.
   *
   * @param map one sample's map
   * @param mask its mask
   * @param o the options (threshold)
   * @return the counts
   */
  static Confusion confusion(double[] map, boolean[] mask, Options o) {
    boolean[] pred = predict(map, o);
    int[] c = new int[4];
    for (int i = 0; i < pred.length; i++) {
      c[(pred[i] ? 0 : 2) + (pred[i] == mask[i] ? 0 : 1)]++;
    }
    // index: 0 tp (pred, agree), 1 fp (pred, disagree), 2 tn (no pred, agree), 3 fn (no
    // pred, disagree)
    return new Confusion(c[0], c[1], c[3], c[2]);
  }

  static boolean[] predict(double[] map, Options o) {
    double[] v = Stats.minMax(map);
    double t;
    switch (o.getString("threshold")) {
      case "quantile":
        t = Stats.quantile(v, o.getDouble("quantile"));
        break;
      case "value":
        t = o.getDouble("value");
        break;
      default:
        t = Stats.mean(v);
    }
    boolean[] p = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      p[i] = v[i] > t;
    }
    return p;
  }
}
