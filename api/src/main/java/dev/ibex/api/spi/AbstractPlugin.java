package dev.ibex.api.spi;

import dev.ibex.api.Plugin;
import dev.ibex.api.options.OptionSchema;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A plugin's identity given once, in its constructor: name, one-line description and options. The
 * templates ({@link AbstractAttributor}, {@link AbstractMetric}, {@link AbstractRegularizer})
 * extend it, so a plugin class carries no getters.
 */
public abstract class AbstractPlugin implements Plugin {
  private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private final String name;
  private final String description;
  private final OptionSchema options;

  /**
   * @param name unique kebab-case name within the plugin's kind
   * @param description one line saying what the plugin does
   * @param options the options it accepts ({@link OptionSchema#EMPTY} for none)
   * @throws IllegalArgumentException if the name is not kebab-case
   */
  protected AbstractPlugin(String name, String description, OptionSchema options) {
    if (!KEBAB.matcher(Objects.requireNonNull(name, "name")).matches()) {
      throw new IllegalArgumentException("plugin name must be kebab-case: '" + name + "'");
    }
    this.name = name;
    this.description = Objects.requireNonNull(description, "description");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final OptionSchema options() {
    return options;
  }

  /**
   * Refuses options that do not come from this plugin's own schema: a value validated against
   * another plugin's spec could mean something else here.
   *
   * @param given the options of a call
   * @throws dev.ibex.api.InvalidOptionException if they come from another schema
   */
  protected final void requireOwnOptions(dev.ibex.api.options.Options given) {
    if (given.schema() != options) {
      throw new dev.ibex.api.InvalidOptionException(
          "options for '" + name + "' must come from its own schema (use options().defaults())");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
