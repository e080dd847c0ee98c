package dev.ibex.api.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a metric computed: per-sample scores ({@code NaN} where skipped) or one batch-level value,
 * plus named extras (curves, per-layer values, components).
 */
public final class Scores {
  private final double[] perSample;
  private final OptionalDouble batchValue;
  private final Map<String, double[]> extras = new LinkedHashMap<>();

  private Scores(double[] perSample, OptionalDouble batchValue) {
    this.perSample = perSample;
    this.batchValue = batchValue;
  }

  /**
   * @param perSample one score per sample, NaN where skipped
   * @return the scores
   */
  public static Scores perSample(double[] perSample) {
    return new Scores(perSample.clone(), OptionalDouble.empty());
  }

  /**
   * @param value one score for the whole batch
   * @return the scores
   */
  public static Scores batch(double value) {
    return new Scores(new double[0], OptionalDouble.of(value));
  }

  /**
   * Adds a named extra.
   *
   * @param name kebab-case name
   * @param values the values
   * @return this
   */
  public Scores extra(String name, double[] values) {
    extras.put(name, values.clone());
    return this;
  }

  double[] perSample() {
    return perSample;
  }

  OptionalDouble batchValue() {
    return batchValue;
  }

  Map<String, double[]> extras() {
    return extras;
  }
}
