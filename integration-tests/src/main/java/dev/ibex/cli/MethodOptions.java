package dev.ibex.cli;

import dev.ibex.api.host.Pipeline;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The attribution method explain and bench run: {@code --method NAME [--layer L] [--set
 * key=value]...}.
 */
final class MethodOptions {
  @Option(
      names = "--method",
      required = true,
      paramLabel = "NAME",
      description = "the attribution method (see list)")
  String name;

  @Option(
      names = "--layer",
      paramLabel = "L",
      description = "the layer of a layer method (Grad-CAM & co.)")
  String layer;

  @Option(
      names = "--set",
      paramLabel = "key=value",
      description = "an option of the method (see list); repeatable")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The method with its options, resolved and checked before any model loads. */
  Pipeline pipeline(Host host) {
    return pipeline(host, name, settings, layer);
  }

  /**
   * A method with its {@code key=value} settings plus {@code --layer}, as a pipeline without
   * metrics: an unknown method or option, or a layer given to a method without one, fails here.
   *
   * @param layer the layer, or {@code null} for none
   */
  static Pipeline pipeline(Host host, String name, Map<String, String> settings, String layer) {
    // resolved without the layer first: an unknown method or option is named before --layer is
    // judged, as it always was
    Pipeline method = host.ibex().pipeline(name, settings);
    if (layer == null) {
      return method;
    }
    if (method.attributor().options().specs().stream().noneMatch(s -> s.name().equals("layer"))) {
      throw new UsageException("method '" + name + "' takes no --layer");
    }
    Map<String, String> withLayer = new LinkedHashMap<>(settings);
    withLayer.put("layer", layer);
    return host.ibex().pipeline(name, withLayer);
  }
}
