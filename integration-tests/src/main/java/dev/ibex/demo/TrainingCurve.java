package dev.ibex.demo;

import dev.ibex.training.engine.BatchReport;
import dev.ibex.training.engine.TrainingListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Records a run's per-batch cross-entropy, batch accuracy and the s-ib terms' share of the loss:
 * (|bg-weight·L_bg| + |fg-weight·HSIC|) / (CE + the same), from the values the term logs (its
 * weights as in its options, linear form; 0 for a plain run).
 */
public final class TrainingCurve implements TrainingListener {
  private final double bgWeight;
  private final double fgWeight;
  private final List<Double> ce = new ArrayList<>();
  private final List<Double> accuracy = new ArrayList<>();
  private final List<Double> share = new ArrayList<>();

  /**
   * @param sibOptions the s-ib options of the run (empty for a plain run)
   */
  public TrainingCurve(Map<String, String> sibOptions) {
    this.bgWeight = Double.parseDouble(sibOptions.getOrDefault("bg-weight", "1000"));
    this.fgWeight = Double.parseDouble(sibOptions.getOrDefault("fg-weight", "0.01"));
  }

  @Override
  public void onBatch(BatchReport batch) {
    double c = batch.terms().getOrDefault("ce", Double.NaN);
    ce.add(c);
    accuracy.add(batch.accuracy());
    Double hsic = batch.terms().get("s-ib/hsic");
    Double bg = batch.terms().get("s-ib/bg-var");
    if (hsic == null || bg == null) {
      share.add(0.0);
    } else {
      double reg = Math.abs(bgWeight * bg) + Math.abs(fgWeight * hsic);
      share.add(reg / (c + reg));
    }
  }

  /**
   * @return cross-entropy per batch
   */
  public List<Double> crossEntropy() {
    return Collections.unmodifiableList(ce);
  }

  /**
   * @return training accuracy per batch
   */
  public List<Double> accuracy() {
    return Collections.unmodifiableList(accuracy);
  }

  /**
   * @return the regulariser's share of the loss per batch
   */
  public List<Double> shares() {
    return Collections.unmodifiableList(share);
  }

  /**
   * @return the mean share over all batches
   */
  public double meanShare() {
    return share.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }
}
