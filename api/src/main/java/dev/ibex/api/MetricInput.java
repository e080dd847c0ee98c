package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Metric} scores: attributions of a model on inputs for targets, plus what some
 * metrics need (ground-truth masks; the attributor itself, for metrics that re-run it).
 */
public final class MetricInput {
  private final ExplainableModel model;
  private final NDArray inputs;
  private final Target target;
  private final NDArray attributions;
  private final NDArray masks;
  private final Attributor attributor;
  private final Options attributorOptions;

  private MetricInput(Builder b) {
    this.model = b.model;
    this.inputs = b.inputs;
    this.target = b.target;
    this.attributions = b.attributions;
    this.masks = b.masks;
    this.attributor = b.attributor;
    this.attributorOptions = b.attributorOptions;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the model, if given */
  public Optional<ExplainableModel> model() {
    return Optional.ofNullable(model);
  }

  /** @return the input batch, if given */
  public Optional<NDArray> inputs() {
    return Optional.ofNullable(inputs);
  }

  /** @return the target, if given */
  public Optional<Target> target() {
    return Optional.ofNullable(target);
  }

  /** @return the attributions, if given: (N,H,W), (N,C,H,W) or (N,L) */
  public Optional<NDArray> attributions() {
    return Optional.ofNullable(attributions);
  }

  /** @return binary ground-truth masks (N,H,W), if given */
  public Optional<NDArray> masks() {
    return Optional.ofNullable(masks);
  }

  /** @return the attributor that produced the attributions, if given */
  public Optional<Attributor> attributor() {
    return Optional.ofNullable(attributor);
  }

  /** @return the attributor's options (its defaults when not set) */
  public Optional<Options> attributorOptions() {
    if (attributor == null) {
      return Optional.empty();
    }
    return Optional.of(attributorOptions != null ? attributorOptions : attributor.options().defaults());
  }

  /**
   * A required part, failing with a message naming the metric and the missing part.
   *
   * @param <T> the part's type
   * @param part the part
   * @param metric the metric that needs it
   * @param what the part's name
   * @return the part
   */
  public static <T> T require(Optional<T> part, String metric, String what) {
    return part.orElseThrow(() -> new InvalidInputException("metric '" + metric + "' needs " + what));
  }

  /** Builds a {@link MetricInput}. */
  public static final class Builder {
    private ExplainableModel model;
    private NDArray inputs;
    private Target target;
    private NDArray attributions;
    private NDArray masks;
    private Attributor attributor;
    private Options attributorOptions;

    /**
     * @param m the model
     * @return this builder
     */
    public Builder model(ExplainableModel m) {
      this.model = Objects.requireNonNull(m);
      return this;
    }

    /**
     * @param x the input batch
     * @return this builder
     */
    public Builder inputs(NDArray x) {
      this.inputs = Objects.requireNonNull(x);
      return this;
    }

    /**
     * @param t the target
     * @return this builder
     */
    public Builder target(Target t) {
      this.target = Objects.requireNonNull(t);
      return this;
    }

    /**
     * @param a the attributions
     * @return this builder
     */
    public Builder attributions(NDArray a) {
      this.attributions = Objects.requireNonNull(a);
      return this;
    }

    /**
     * @param m binary masks (N,H,W)
     * @return this builder
     */
    public Builder masks(NDArray m) {
      this.masks = Objects.requireNonNull(m);
      return this;
    }

    /**
     * @param a the attributor
     * @param options its options
     * @return this builder
     */
    public Builder attributor(Attributor a, Options options) {
      this.attributor = Objects.requireNonNull(a);
      this.attributorOptions = options;
      return this;
    }

    /** @return the input */
    public MetricInput build() {
      return new MetricInput(this);
    }
  }
}
