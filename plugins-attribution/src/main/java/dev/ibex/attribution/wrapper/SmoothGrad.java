package dev.ibex.attribution.wrapper;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import com.google.common.base.Splitter;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.PluginRegistry;
import dev.ibex.api.RegistryAware;
import dev.ibex.api.UnknownPluginException;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code smoothgrad} plugin: a {@link NoiseTunnel} around the attributor named by {@code base}.
 * The name resolves in the registry of the host that discovered this plugin ({@link
 * RegistryAware}), so a method from a plugin jar can be smoothed; an instance made with {@code new
 * SmoothGrad()} outside any host discovers the attributors on its own class loader. From Java,
 * {@code base} may also be an {@link Attributor} instance.
 *
 * <p>The base method's options are given as text in {@code base-options}, {@code key=value} pairs
 * separated by commas (e.g. {@code steps=16,quadrature=riemann_middle}), and validated by the base
 * method's own schema; values cannot contain commas. From Java, {@code base-options} may also be an
 * {@link Options} of the base's schema, and {@code new NoiseTunnel(attributor, options)} wraps an
 * attributor directly.
 */
@AutoService(Attributor.class)
public final class SmoothGrad extends AbstractAttributor implements RegistryAware {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(NoiseTunnel.NOISE_OPTIONS)
          .plus(
              OptionSpec.value(
                  "base",
                  "saliency",
                  "name of the attributor to smooth (any the host knows); from Java also an Attributor"),
              OptionSpec.value(
                  "base-options",
                  "",
                  "options of the base attributor as key=value,key=value; from Java also its Options"));

  private volatile PluginRegistry registry;

  public SmoothGrad() {
    super(
        "smoothgrad",
        "Noise tunnel around any attributor: SmoothGrad, SmoothGrad-squared or VarGrad (Smilkov et al. 2017)",
        OPTIONS);
  }

  @Override
  public void useRegistry(PluginRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void validateInput(NDArray input) {
    NoiseTunnel.validate(input);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    Attributor base = base(ctx.options().get("base").orElseThrow());
    Object given = ctx.options().get("base-options").orElseThrow();
    Options baseOptions;
    if (given instanceof Options) {
      baseOptions = (Options) given;
      if (baseOptions.schema() != base.options()) {
        throw new InvalidOptionException(
            "option 'base-options': options of another schema than " + base.name() + "'s");
      }
    } else {
      baseOptions = base.options().parse(parse(given.toString()));
    }
    return NoiseTunnel.smooth(ctx, base, baseOptions);
  }

  private Attributor base(Object value) {
    if (value instanceof Attributor) {
      return (Attributor) value;
    }
    String name = value.toString();
    if (name.equals(name())) {
      throw new InvalidOptionException("option 'base': smoothgrad cannot wrap itself");
    }
    try {
      return registry().attributor(name);
    } catch (UnknownPluginException e) {
      throw new InvalidOptionException("option 'base': " + e.getMessage());
    }
  }

  private PluginRegistry registry() {
    if (registry == null) {
      // outside a host: what this plugin's own class loader sees
      registry = Plugins.discover(SmoothGrad.class.getClassLoader());
    }
    return registry;
  }

  /**
   * Parses {@code key=value,key=value} (blank: no options).
   *
   * @param text the option text
   * @return key to value text, in order
   * @throws InvalidOptionException on a pair without '=' or an empty key
   */
  static Map<String, String> parse(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String pair : Splitter.on(',').trimResults().omitEmptyStrings().split(text)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new InvalidOptionException(
            "option 'base-options' must be key=value pairs separated by commas, got '"
                + pair
                + "'");
      }
      String key = pair.substring(0, eq).trim();
      if (m.put(key, pair.substring(eq + 1).trim()) != null) {
        throw new InvalidOptionException("option 'base-options' sets '" + key + "' twice");
      }
    }
    return m;
  }
}
