package dev.ibex.training.engine;

import com.google.common.collect.ImmutableMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one epoch did: mean loss terms over its batches (cross-entropy under {@code ce}, the total
 * under {@code loss}, each regulariser's terms under its own names), training and validation
 * accuracy, and wall time.
 *
 * @param epoch the epoch, from 1
 * @param terms mean of every logged term over the epoch's batches
 * @param trainAccuracy accuracy on the training batches (as they were trained)
 * @param validAccuracy accuracy on the validation set, NaN when there is none
 * @param validLoss cross-entropy on the validation set, NaN when there is none
 * @param seconds wall time of the epoch
 * @param cpuSeconds CPU time of the whole process during the epoch (all threads, native ones
 *     included)
 */
public record EpochReport(
    int epoch,
    ImmutableMap<String, Double> terms,
    double trainAccuracy,
    double validAccuracy,
    double validLoss,
    double seconds,
    double cpuSeconds) {

  /**
   * @return a one-line summary
   */
  public String line() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d", epoch));
    for (Map.Entry<String, Double> e : terms.entrySet()) {
      sb.append(String.format(Locale.ROOT, " %s=%.4g", e.getKey(), e.getValue()));
    }
    sb.append(String.format(Locale.ROOT, " train-acc=%.4f", trainAccuracy));
    if (!Double.isNaN(validAccuracy)) {
      sb.append(
          String.format(Locale.ROOT, " valid-acc=%.4f valid-ce=%.4f", validAccuracy, validLoss));
    }
    sb.append(String.format(Locale.ROOT, " (%.1f s, cpu %.1f s)", seconds, cpuSeconds));
    return sb.toString();
  }
}
