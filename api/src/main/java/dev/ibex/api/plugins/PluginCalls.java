package dev.ibex.api.plugins;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;

/**
 * Calls into plugins that check what comes back: a plugin that breaks its contract is named (with
 * its jar) at the call, not found later as a null pointer. Hosts, wrappers and metrics that re-run
 * an attributor call through here.
 */
public final class PluginCalls {
  private PluginCalls() {}

  /**
   * Runs an attributor and checks that it returned values.
   *
   * @param attributor the attributor
   * @param model the model
   * @param input the input batch
   * @param target the target
   * @param options its options
   * @return the attribution
   * @throws PluginContractException if the attributor returned no attribution
   */
  public static Attribution attribute(
      Attributor attributor,
      ExplainableModel model,
      NDArray input,
      Target target,
      Options options) {
    Attribution a = attributor.attribute(model, input, target, options);
    if (a == null || a.values() == null) {
      throw new PluginContractException(
          "plugin "
              + attributor.name()
              + " ("
              + attributor.getClass().getName()
              + " from "
              + PluginContractException.origin(attributor)
              + ") returned no attribution");
    }
    return a;
  }
}
