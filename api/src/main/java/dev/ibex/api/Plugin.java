package dev.ibex.api;

import dev.ibex.api.options.OptionSchema;

/**
 * What every ibex plugin has: a unique kebab-case name, a one-line description and a typed option
 * schema that a host can list and validate before running anything.
 *
 * <p>Providers are discovered with {@link java.util.ServiceLoader}, so an implementation needs a
 * public no-argument constructor and must be stateless (one instance serves every call).
 */
public interface Plugin {
  /**
   * The plugin's unique name within its kind, kebab-case (e.g. {@code integrated-gradients}).
   *
   * @return the name
   */
  String name();

  /**
   * One line saying what the plugin does.
   *
   * @return the description
   */
  String description();

  /**
   * The options the plugin accepts, with types, defaults, ranges and documentation.
   *
   * @return the schema; {@link OptionSchema#EMPTY} when the plugin takes none
   */
  default OptionSchema options() {
    return OptionSchema.EMPTY;
  }
}
