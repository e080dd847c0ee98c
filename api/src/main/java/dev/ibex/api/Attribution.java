package dev.ibex.api;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import com.google.common.collect.ImmutableMap;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of an {@link Attributor}: the attribution values plus what produced them (method,
 * options, target, forward/backward passes, wall time, and method-specific diagnostics such as the
 * completeness gap of integrated gradients).
 *
 * <p>The values live on the input's {@link ai.djl.ndarray.NDManager}; they are freed with it.
 */
public final class Attribution {
  private final NDArray values;
  private final Layout layout;
  private final String method;
  private final ImmutableMap<String, Object> options;
  private final String target;
  private final long forwardPasses;
  private final long backwardPasses;
  private final Duration wallTime;
  private final ImmutableMap<String, double[]> diagnostics;

  private Attribution(Builder b) {
    this.values = Objects.requireNonNull(b.values, "values");
    this.layout = Objects.requireNonNull(b.layout, "layout");
    this.method = Objects.requireNonNull(b.method, "method");
    this.options = ImmutableMap.copyOf(b.options);
    this.target = b.target;
    this.forwardPasses = b.forwardPasses;
    this.backwardPasses = b.backwardPasses;
    this.wallTime = b.wallTime;
    this.diagnostics = ImmutableMap.copyOf(b.diagnostics);
  }

  /**
   * Starts a result.
   *
   * @param method the attributor's name
   * @param values the attribution values
   * @param layout their layout
   * @return a builder
   */
  public static Builder builder(String method, NDArray values, Layout layout) {
    return new Builder(method, values, layout);
  }

  /**
   * @return the attribution values
   */
  public NDArray values() {
    return values;
  }

  /**
   * @return the layout of {@link #values()}
   */
  public Layout layout() {
    return layout;
  }

  /**
   * @return the attributor name
   */
  public String method() {
    return method;
  }

  /**
   * @return the options the attribution ran with (defaults included)
   */
  public Map<String, Object> options() {
    return options;
  }

  /**
   * @return the target, described
   */
  public String target() {
    return target;
  }

  /**
   * @return number of samples in the batch
   */
  public long samples() {
    return values.getShape().get(0);
  }

  /**
   * @return model forward passes, counted per sample row (a batch of 8 rows counts 8)
   */
  public long forwardPasses() {
    return forwardPasses;
  }

  /**
   * @return backward passes, counted per sample row
   */
  public long backwardPasses() {
    return backwardPasses;
  }

  /**
   * @return forward passes per explained sample
   */
  public double forwardPassesPerSample() {
    return (double) forwardPasses / samples();
  }

  /**
   * @return backward passes per explained sample
   */
  public double backwardPassesPerSample() {
    return (double) backwardPasses / samples();
  }

  /**
   * @return wall-clock time of the attribution
   */
  public Duration wallTime() {
    return wallTime;
  }

  /**
   * @return method-specific per-sample diagnostics, e.g. {@code completeness-gap}
   */
  public Map<String, double[]> diagnostics() {
    return diagnostics;
  }

  @Override
  public String toString() {
    return method
        + " "
        + values.getShape()
        + " "
        + layout
        + " target="
        + target
        + " passes/image="
        + perImage(forwardPassesPerSample())
        + "/"
        + perImage(backwardPassesPerSample())
        + " (batch "
        + forwardPasses
        + "/"
        + backwardPasses
        + ") in "
        + wallTime.toMillis()
        + " ms";
  }

  // per image, as the README's tables count them; whole numbers print without a fraction
  private static String perImage(double v) {
    return v == Math.rint(v)
        ? Long.toString((long) v)
        : String.format(java.util.Locale.ROOT, "%.2f", v);
  }

  /** Builds an {@link Attribution}. */
  public static final class Builder {
    private final String method;
    private final NDArray values;
    private final Layout layout;
    private final Map<String, Object> options = new LinkedHashMap<>();
    private final Map<String, double[]> diagnostics = new LinkedHashMap<>();
    private String target = "";
    private long forwardPasses;
    private long backwardPasses;
    private Duration wallTime = Duration.ZERO;

    private Builder(String method, NDArray values, Layout layout) {
      this.method = method;
      this.values = values;
      this.layout = layout;
    }

    /**
     * @param used the options used
     * @return this builder
     */
    public Builder options(Map<String, Object> used) {
      options.putAll(used);
      return this;
    }

    /**
     * @param description the target, described
     * @return this builder
     */
    public Builder target(String description) {
      this.target = description;
      return this;
    }

    /**
     * @param forward forward passes (rows)
     * @param backward backward passes (rows)
     * @return this builder
     */
    public Builder passes(long forward, long backward) {
      checkArgument(forward >= 0 && backward >= 0, "negative pass count");
      this.forwardPasses = forward;
      this.backwardPasses = backward;
      return this;
    }

    /**
     * @param time wall-clock time
     * @return this builder
     */
    public Builder wallTime(Duration time) {
      this.wallTime = time;
      return this;
    }

    /**
     * @param name diagnostic name (kebab-case)
     * @param perSample one value per sample
     * @return this builder
     */
    public Builder diagnostic(String name, double[] perSample) {
      diagnostics.put(name, perSample.clone());
      return this;
    }

    /**
     * @return the attribution
     */
    public Attribution build() {
      return new Attribution(this);
    }
  }
}
