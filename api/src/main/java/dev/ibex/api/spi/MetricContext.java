package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricInput.Part;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.plugins.PluginCalls;
import java.util.Optional;

/**
 * One call of a metric: its input and options, a scratch manager closed when the call ends, and
 * accessors that fail with a message naming the metric and the missing part.
 */
public final class MetricContext extends CallContext {
  private final String metric;
  private final MetricInput input;

  MetricContext(String metric, MetricInput input, Options options, NDManager scratch) {
    super(options, scratch);
    this.metric = metric;
    this.input = input;
  }

  /**
   * @return the metric's name
   */
  public String metric() {
    return metric;
  }

  /**
   * @return the attributions (required)
   */
  public NDArray attributions() {
    return required(input.attributions(), Part.ATTRIBUTIONS);
  }

  /**
   * @return the input batch (required)
   */
  public NDArray inputs() {
    return required(input.inputs(), Part.INPUTS);
  }

  /**
   * @return the model (required)
   */
  public ExplainableModel model() {
    return required(input.model(), Part.MODEL);
  }

  /**
   * @return the target (required)
   */
  public Target target() {
    return required(input.target(), Part.TARGET);
  }

  /**
   * @return ground-truth masks (required)
   */
  public NDArray masks() {
    return required(input.masks(), Part.MASKS);
  }

  /**
   * @return the attributor that made the attributions (required)
   */
  public Attributor attributor() {
    return required(input.attributor(), Part.ATTRIBUTOR);
  }

  /**
   * @return the attributor's options (its defaults when not given)
   */
  public Options attributorOptions() {
    return required(input.attributorOptions(), Part.ATTRIBUTOR);
  }

  // a part the metric cannot do without, named as MetricInput names it when it is missing
  private <T> T required(Optional<T> part, Part which) {
    return MetricInput.require(part, metric, which.label());
  }

  /**
   * A copy of an array owned by the given manager, so that what is computed from it is freed with
   * that manager rather than with the caller's.
   *
   * @param array an array of the caller's
   * @param manager a scratch manager
   * @return the copy
   */
  public NDArray local(NDArray array, NDManager manager) {
    NDArray copy = array.duplicate();
    copy.attach(manager);
    return copy;
  }

  /**
   * The target resolved against the model's output on the input batch (one forward pass).
   *
   * @return the resolved target
   */
  public ResolvedTarget resolveTarget() {
    try (NDManager m = scratch().newSubManager()) {
      return target().resolve(model().forward(local(inputs(), m)));
    }
  }

  /**
   * The target to re-run the attributor with on modified inputs: a class target is pinned to the
   * classes it resolved to on the original input (so "predicted" does not drift with the
   * modification); a score-function target stays as it is.
   *
   * @param resolved the target resolved on the original input
   * @return the target
   */
  public Target pinnedTarget(ResolvedTarget resolved) {
    return resolved.classes().map(Target::perSample).orElse(target());
  }

  /**
   * Re-runs the attributor and reads its values as maps (with {@link #maps()}'s reduction).
   *
   * @param x the input to attribute (its manager receives the values)
   * @param t the target
   * @return the maps
   */
  public SpatialMaps reattribute(NDArray x, Target t) {
    return SpatialMaps.of(attribute(x, t).values(), reduction());
  }

  /**
   * Runs the attributor on an input: the one place a metric calls it, so a plugin that breaks its
   * contract is named rather than failing later with a null pointer.
   *
   * @param x the input to attribute (its manager receives the values)
   * @param t the target
   * @return the attribution
   * @throws dev.ibex.api.plugins.PluginContractException if the attributor returned no attribution
   */
  public Attribution attribute(NDArray x, Target t) {
    return PluginCalls.attribute(attributor(), model(), x, t, attributorOptions());
  }

  private String reduction() {
    String name = StandardOptions.CHANNEL_REDUCTION.name();
    boolean has = options().schema().specs().stream().anyMatch(s -> s.name().equals(name));
    return has ? options().getString(name) : "sum";
  }

  /**
   * The attributions as one map per sample, reduced over channels by the {@code channel-reduction}
   * option when the metric has it (else summed).
   *
   * @return the maps
   */
  public SpatialMaps maps() {
    return SpatialMaps.of(attributions(), reduction());
  }

  /**
   * The maps of {@link #maps()}, checked to fit an image batch: one map per image, of the images'
   * height and width.
   *
   * @param x the input images
   * @return the maps
   * @throws dev.ibex.api.InvalidInputException if they do not fit
   */
  public SpatialMaps mapsFor(ImageBatch x) {
    SpatialMaps maps = maps();
    if (maps.samples() != x.samples() || maps.height() != x.height() || maps.width() != x.width()) {
      throw new dev.ibex.api.InvalidInputException(
          metric()
              + ": maps ("
              + maps.samples()
              + ", "
              + maps.height()
              + ", "
              + maps.width()
              + ") do not match the input "
              + x.samples()
              + "x"
              + x.sampleShape());
    }
    return maps;
  }
}
