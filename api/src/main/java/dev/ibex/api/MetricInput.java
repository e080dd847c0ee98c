package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

  /** The parts a metric can need; {@link Metric#needs} says which, so a host can check first. */
  public enum Part {
    /** The model (metrics that run it). */
    MODEL,
    /** The input batch, e.g. (N, C, H, W) images. */
    INPUTS,
    /** The input batch as (N, L) integer token ids (the text side of an image-text model). */
    TOKEN_IDS,
    /** The target the attributions explain. */
    TARGET,
    /** The attributions. */
    ATTRIBUTIONS,
    /** Binary ground-truth masks (N, H, W). */
    MASKS,
    /** The attributor that made the attributions (metrics that re-run it). */
    ATTRIBUTOR;

    /**
     * @return the part as messages name it, e.g. "ground-truth masks"
     */
    public String label() {
      switch (this) {
        case MODEL:
          return "the model";
        case INPUTS:
          return "the input batch";
        case TOKEN_IDS:
          return "token ids (N, L) as input";
        case TARGET:
          return "a target";
        case ATTRIBUTIONS:
          return "attributions";
        case MASKS:
          return "ground-truth masks";
        default:
          return "the attributor (to re-run it)";
      }
    }
  }

  /**
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The input of a metric that scores one attribution: its values, the attributor that made it with
   * the options it ran with, and the model, inputs and target it explained. Add masks (or anything
   * else) with {@link #toBuilder()}.
   *
   * @param attribution the attribution to score
   * @param attributor the attributor that made it (metrics that re-run it use it)
   * @param model the model it explains
   * @param inputs the input batch it explains
   * @param target the target it explains
   * @return the metric input
   */
  public static MetricInput of(
      Attribution attribution,
      Attributor attributor,
      ExplainableModel model,
      NDArray inputs,
      Target target) {
    return builder()
        .model(model)
        .inputs(inputs)
        .target(target)
        .attribution(attribution, attributor)
        .build();
  }

  /**
   * @return a builder holding this input's parts
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.model = model;
    b.inputs = inputs;
    b.target = target;
    b.attributions = attributions;
    b.masks = masks;
    b.attributor = attributor;
    b.attributorOptions = attributorOptions;
    return b;
  }

  /**
   * The needed parts this input lacks ({@link Part#TOKEN_IDS} also when the inputs are not integer
   * ids of rank 2).
   *
   * @param needed what a metric needs ({@link Metric#needs})
   * @return the missing parts, in declaration order; empty when nothing is missing
   */
  public Set<Part> missing(Collection<Part> needed) {
    Set<Part> missing = EnumSet.noneOf(Part.class);
    for (Part p : needed) {
      boolean present;
      switch (p) {
        case MODEL:
          present = model != null;
          break;
        case INPUTS:
          present = inputs != null;
          break;
        case TOKEN_IDS:
          present =
              inputs != null
                  && inputs.getShape().dimension() == 2
                  && !inputs.getDataType().isFloating();
          break;
        case TARGET:
          present = target != null;
          break;
        case ATTRIBUTIONS:
          present = attributions != null;
          break;
        case MASKS:
          present = masks != null;
          break;
        default:
          present = attributor != null;
      }
      if (!present) {
        missing.add(p);
      }
    }
    return missing;
  }

  /**
   * @return the model, if given
   */
  public Optional<ExplainableModel> model() {
    return Optional.ofNullable(model);
  }

  /**
   * @return the input batch, if given
   */
  public Optional<NDArray> inputs() {
    return Optional.ofNullable(inputs);
  }

  /**
   * @return the target, if given
   */
  public Optional<Target> target() {
    return Optional.ofNullable(target);
  }

  /**
   * @return the attributions, if given: (N,H,W), (N,C,H,W) or (N,L)
   */
  public Optional<NDArray> attributions() {
    return Optional.ofNullable(attributions);
  }

  /**
   * @return binary ground-truth masks (N,H,W), if given
   */
  public Optional<NDArray> masks() {
    return Optional.ofNullable(masks);
  }

  /**
   * @return the attributor that produced the attributions, if given
   */
  public Optional<Attributor> attributor() {
    return Optional.ofNullable(attributor);
  }

  /**
   * @return the attributor's options (its defaults when not set)
   */
  public Optional<Options> attributorOptions() {
    if (attributor == null) {
      return Optional.empty();
    }
    return Optional.of(
        attributorOptions != null ? attributorOptions : attributor.options().defaults());
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
    return part.orElseThrow(
        () -> new InvalidInputException("metric '" + metric + "' needs " + what));
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

    /**
     * The attributions of an attribution, with the attributor that made it and the options it ran
     * with (read back from the attribution's metadata).
     *
     * @param a the attribution
     * @param by the attributor that made it
     * @return this builder
     * @throws InvalidOptionException if the recorded options do not fit the attributor
     */
    public Builder attribution(Attribution a, Attributor by) {
      return attributions(a.values()).attributor(by, by.options().bind(a.options()));
    }

    /**
     * @return the input
     */
    public MetricInput build() {
      return new MetricInput(this);
    }
  }
}
