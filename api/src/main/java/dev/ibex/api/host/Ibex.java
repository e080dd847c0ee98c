package dev.ibex.api.host;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Plugin;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.PluginCalls;
import dev.ibex.api.plugins.PluginProblem;
import dev.ibex.api.plugins.Plugins;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ibex for a host application, one call per task:
 *
 * <pre>{@code
 * Ibex ibex = Ibex.discover();                                  // plugins on the class path
 * try (TorchScriptModel model = ibex.load(Path.of("m.pt"), "cpu", "layer4");
 *      NDManager m = model.manager().newSubManager()) {
 *   NDArray x = Npy.read(Path.of("x.npy"), m);
 *   Attribution a = ibex.explain(model, x, Target.predicted(), "grad-cam", Map.of("layer", "layer4"));
 *   Explanation e = ibex.pipeline("grad-cam", Map.of("layer", "layer4"))
 *       .metric("deletion", Map.of("steps", 50)).metric("pointing-game", Map.of())
 *       .run(model, x, Target.predicted(), masks);
 * }
 * }</pre>
 *
 * <p>Options are given as a map of name to value: text (as a command line gives it, parsed and
 * validated by the plugin's schema) or a typed Java value. An {@code Ibex} is immutable and
 * thread-safe; see the package documentation for what each thread must own.
 */
public final class Ibex {
  private final Plugins plugins;

  private Ibex(Plugins plugins) {
    this.plugins = Objects.requireNonNull(plugins, "plugins");
  }

  /**
   * The plugins on this class path.
   *
   * @return the host
   */
  public static Ibex discover() {
    return of(Plugins.discover(Ibex.class.getClassLoader()));
  }

  /**
   * The plugins on this class path and in the jars of a directory.
   *
   * @param pluginDir a directory of plugin jars ({@code null}: none)
   * @return the host; what failed to load is in {@link #problems()}
   */
  public static Ibex discover(Path pluginDir) {
    return of(Plugins.discover(Ibex.class.getClassLoader(), pluginDir));
  }

  /**
   * A host over plugins discovered elsewhere.
   *
   * @param plugins the plugins
   * @return the host
   */
  public static Ibex of(Plugins plugins) {
    return new Ibex(plugins);
  }

  /**
   * @return the plugins
   */
  public Plugins plugins() {
    return plugins;
  }

  /**
   * @return plugins that could not be loaded (immutable); empty when all loaded
   */
  public List<PluginProblem> problems() {
    return plugins.problems();
  }

  /**
   * Loads a TorchScript model (see {@link TorchScriptModel} for the split-point contract).
   *
   * @param file the {@code .pt} file
   * @param device {@code cpu}, {@code gpu}, {@code gpuN}, or {@code null} for the default
   * @param layers split points the model offers
   * @return the model; close it when done
   */
  public TorchScriptModel load(Path file, String device, String... layers) {
    return TorchScriptModel.builder(file)
        .device(Devices.parse(device))
        .layers(List.of(layers))
        .load();
  }

  /**
   * A plugin's options from a map of values over its defaults.
   *
   * @param plugin the plugin
   * @param values option name to text (parsed) or typed value
   * @return the validated options
   * @throws dev.ibex.api.InvalidOptionException naming an unknown option or a bad value
   */
  public static Options options(Plugin plugin, Map<String, ?> values) {
    Options o = plugin.options().defaults();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      o =
          e.getValue() instanceof String
              ? o.withText(e.getKey(), (String) e.getValue())
              : o.with(e.getKey(), e.getValue());
    }
    return o;
  }

  /**
   * Attributes a model's score for a target on an input batch.
   *
   * @param model the model
   * @param input the batch, on a manager of the calling thread
   * @param target what to explain
   * @param method an attributor's name
   * @param options its options (name to text or value)
   * @return the attribution, its values on the input's manager
   * @throws dev.ibex.api.UnknownPluginException if no attributor has that name
   */
  public Attribution explain(
      ExplainableModel model, NDArray input, Target target, String method, Map<String, ?> options) {
    Attributor a = plugins.attributor(method);
    return PluginCalls.attribute(a, model, input, target, options(a, options));
  }

  /**
   * Scores with a metric, after checking that the input has every part the metric needs.
   *
   * @param metric a metric's name
   * @param input what it scores
   * @param options its options (name to text or value)
   * @return the result
   * @throws InvalidInputException naming the parts the input lacks
   */
  public MetricResult score(String metric, MetricInput input, Map<String, ?> options) {
    Metric m = plugins.metric(metric);
    Options o = options(m, options);
    Set<MetricInput.Part> missing = input.missing(m.needs(o));
    if (!missing.isEmpty()) {
      throw new InvalidInputException(
          "metric '"
              + metric
              + "' needs "
              + missing.stream().map(MetricInput.Part::label).collect(Collectors.joining(", ")));
    }
    return m.evaluate(input, o);
  }

  /**
   * A pipeline of one attributor and the metrics added to it.
   *
   * @param method an attributor's name
   * @param options its options (name to text or value)
   * @return the pipeline, without metrics yet
   */
  public Pipeline pipeline(String method, Map<String, ?> options) {
    Attributor a = plugins.attributor(method);
    return new Pipeline(this, a, options(a, options));
  }
}
