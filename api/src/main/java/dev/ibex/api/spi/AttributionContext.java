package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One call of an attributor: model, input, target and options, plus a scratch manager that is
 * closed when the call ends (so every intermediate array is freed) and a place for diagnostics.
 */
public final class AttributionContext extends CallContext {
  private final ExplainableModel model;
  private final NDArray input;
  private final Target target;
  private final Map<String, double[]> diagnostics = new LinkedHashMap<>();
  private ResolvedTarget resolved;

  AttributionContext(
      ExplainableModel model, NDArray input, Target target, Options options, NDManager scratch) {
    super(options, scratch);
    this.model = model;
    this.input = input;
    this.target = target;
  }

  /**
   * @return the model
   */
  public ExplainableModel model() {
    return model;
  }

  /**
   * @return the input batch: a copy of the caller's, owned by {@link #scratch()}
   */
  public NDArray input() {
    return input;
  }

  /**
   * @return number of samples in the batch
   */
  public int samples() {
    return (int) input.getShape().get(0);
  }

  /**
   * @return the target as given
   */
  public Target target() {
    return target;
  }

  /**
   * The target resolved against the model output on the input. Costs one forward pass the first
   * time for a class target, unless {@link #resolveWith} was called with an output the method
   * computed anyway; a score-function target costs none.
   *
   * @return the resolved target
   */
  public ResolvedTarget resolvedTarget() {
    if (resolved == null) {
      // a score-function target never reads the output: no forward pass for it
      resolved = target.resolve(target.needsModelOutput() ? model.forward(input) : null);
    }
    return resolved;
  }

  /**
   * Resolves the target with an output of the model on exactly the input (one row per sample),
   * unless already resolved.
   *
   * @param outputOnInput the model output on {@link #input()}
   * @return the resolved target
   */
  public ResolvedTarget resolveWith(NDArray outputOnInput) {
    if (resolved == null) {
      resolved = target.resolve(outputOnInput);
    }
    return resolved;
  }

  /**
   * Records a per-sample diagnostic returned in the attribution's metadata.
   *
   * @param name kebab-case name
   * @param perSample one value per sample
   */
  public void diagnostic(String name, double[] perSample) {
    diagnostics.put(name, perSample.clone());
  }

  Map<String, double[]> diagnostics() {
    return diagnostics;
  }
}
