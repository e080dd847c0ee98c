package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The template every metric can follow: check the options and that the input has every part the
 * metric needs, open a scratch scope that is closed afterwards (so every intermediate array is
 * freed), and let the metric compute its {@link Scores}. Per-sample scores of {@code NaN} are
 * skipped samples (e.g. an empty mask) and are counted in {@link MetricResult#skipped()}.
 *
 * <p>A metric declares in its constructor its name, description, direction, the {@link
 * MetricInput.Part}s it needs and its options; one whose needs depend on its options overrides
 * {@link #needs(Options)}.
 */
public abstract class AbstractMetric extends AbstractPlugin implements Metric {
  /** Needs of a metric of the maps alone (complexity). */
  protected static final Set<MetricInput.Part> ATTRIBUTIONS_ONLY =
      Set.of(MetricInput.Part.ATTRIBUTIONS);

  /** Needs of a metric that compares maps with ground-truth masks (localisation). */
  protected static final Set<MetricInput.Part> MAPS_AND_MASKS =
      Set.of(MetricInput.Part.ATTRIBUTIONS, MetricInput.Part.MASKS);

  /** Needs of a metric that scores modified inputs through the model (faithfulness). */
  protected static final Set<MetricInput.Part> MODEL_SCORED =
      Set.of(
          MetricInput.Part.MODEL,
          MetricInput.Part.INPUTS,
          MetricInput.Part.TARGET,
          MetricInput.Part.ATTRIBUTIONS);

  /** Needs of a metric that re-runs the attributor on modified inputs (consistency). */
  protected static final Set<MetricInput.Part> RE_ATTRIBUTED =
      Set.of(
          MetricInput.Part.MODEL,
          MetricInput.Part.INPUTS,
          MetricInput.Part.TARGET,
          MetricInput.Part.ATTRIBUTIONS,
          MetricInput.Part.ATTRIBUTOR);

  /**
   * Needs of a metric that runs the attributor itself and reads no given maps (sanity, throughput).
   */
  protected static final Set<MetricInput.Part> ATTRIBUTOR_RUN =
      Set.of(
          MetricInput.Part.MODEL,
          MetricInput.Part.INPUTS,
          MetricInput.Part.TARGET,
          MetricInput.Part.ATTRIBUTOR);

  private final Direction direction;
  private final Set<MetricInput.Part> needs;

  /**
   * @param name unique kebab-case name
   * @param description one line saying what it measures
   * @param direction which way the score improves
   * @param needs the parts of a {@link MetricInput} it reads
   * @param options the options it accepts
   */
  protected AbstractMetric(
      String name,
      String description,
      Direction direction,
      Set<MetricInput.Part> needs,
      OptionSchema options) {
    super(name, description, options);
    this.direction = Objects.requireNonNull(direction, "direction");
    this.needs = needs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(needs));
  }

  /**
   * @param name unique kebab-case name
   * @param description one line saying what it measures
   * @param direction which way the score improves
   * @param needs the parts of a {@link MetricInput} it reads
   * @param options the options it accepts, in order (none: no options)
   */
  protected AbstractMetric(
      String name,
      String description,
      Direction direction,
      Set<MetricInput.Part> needs,
      OptionSpec... options) {
    this(
        name,
        description,
        direction,
        needs,
        options.length == 0 ? OptionSchema.EMPTY : OptionSchema.of(options));
  }

  @Override
  public final Direction direction() {
    return direction;
  }

  @Override
  public Set<MetricInput.Part> needs(Options options) {
    return needs;
  }

  @Override
  public final MetricResult evaluate(MetricInput input, Options options) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(options, "options");
    requireOwnOptions(options);
    Set<MetricInput.Part> missing = input.missing(needs(options));
    if (!missing.isEmpty()) {
      throw new InvalidInputException(
          "metric '"
              + name()
              + "' needs "
              + missing.stream().map(MetricInput.Part::label).collect(Collectors.joining(", ")));
    }
    NDArray anchor =
        input
            .attributions()
            .or(input::inputs)
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "metric '" + name() + "' needs attributions or inputs"));
    try (NDManager scratch = anchor.getManager().newSubManager()) {
      MetricContext ctx = new MetricContext(name(), input, options, scratch);
      Scores scores = compute(ctx);
      return scores.batchValue().isPresent()
          ? MetricResult.ofBatch(
              name(), direction(), scores.batchValue().getAsDouble(), scores.extras())
          : MetricResult.of(name(), direction(), scores.perSample(), scores.extras());
    }
  }

  /**
   * Computes the scores. Intermediates go on {@link MetricContext#scratch()}.
   *
   * @param ctx the call
   * @return per-sample (or batch-level) scores and extras
   */
  protected abstract Scores compute(MetricContext ctx);
}
