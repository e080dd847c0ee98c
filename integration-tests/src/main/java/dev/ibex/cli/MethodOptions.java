package dev.ibex.cli;

import dev.ibex.api.Attributor;
import dev.ibex.api.options.Options;
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

  /** The method, looked up among the plugins. */
  Attributor attributor(Host host) {
    return host.plugins().attributor(name);
  }

  /** Its options, checked against what it declares. */
  Options options(Attributor attributor) {
    return AttributionSetup.options(attributor, settings, layer);
  }
}
