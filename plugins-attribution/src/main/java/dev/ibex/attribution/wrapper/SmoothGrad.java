package dev.ibex.attribution.wrapper;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import com.google.common.base.Splitter;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.UnknownPluginException;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.attribution.core.AbstractAttributor;
import dev.ibex.attribution.core.AttributionContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code smoothgrad} plugin: a {@link NoiseTunnel} around the attributor named by {@code base},
 * found with {@link Plugins} on this plugin's class loader. The base method's options are given as
 * text in {@code base-options}, {@code key=value} pairs separated by commas (e.g. {@code
 * steps=16,quadrature=riemann_middle}), and validated by the base method's own schema; values cannot
 * contain commas. From Java, {@code new NoiseTunnel(attributor, options)} takes typed options.
 */
@AutoService(Attributor.class)
public final class SmoothGrad extends AbstractAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(NoiseTunnel.NOISE_OPTIONS)
          .plus(
              OptionSpec.text("base", "saliency", "name of the attributor to smooth"),
              OptionSpec.text("base-options", "", "options of the base attributor as key=value,key=value"));

  private volatile Plugins plugins;

  @Override
  public String name() {
    return "smoothgrad";
  }

  @Override
  public String description() {
    return "Noise tunnel around any attributor: SmoothGrad, SmoothGrad-squared or VarGrad (Smilkov et al. 2017)";
  }

  @Override
  public OptionSchema options() {
    return OPTIONS;
  }

  @Override
  protected void validateInput(NDArray input) {
    NoiseTunnel.validate(input);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    String name = ctx.options().getString("base");
    if (name.equals(name())) {
      throw new InvalidOptionException("option 'base': smoothgrad cannot wrap itself");
    }
    Attributor base;
    try {
      base = plugins().attributor(name);
    } catch (UnknownPluginException e) {
      throw new InvalidOptionException("option 'base': " + e.getMessage());
    }
    Options baseOptions = base.options().parse(parse(ctx.options().getString("base-options")));
    return NoiseTunnel.smooth(ctx, base, baseOptions);
  }

  private Plugins plugins() {
    if (plugins == null) {
      plugins = Plugins.discover(SmoothGrad.class.getClassLoader());
    }
    return plugins;
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
        throw new InvalidOptionException("option 'base-options' must be key=value pairs separated by commas, got '" + pair + "'");
      }
      String key = pair.substring(0, eq).trim();
      if (m.put(key, pair.substring(eq + 1).trim()) != null) {
        throw new InvalidOptionException("option 'base-options' sets '" + key + "' twice");
      }
    }
    return m;
  }
}
