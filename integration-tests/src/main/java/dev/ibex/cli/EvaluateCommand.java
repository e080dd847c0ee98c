package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.io.AtomicFiles;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate}: score attributions with a metric (model, masks and attributor as it needs). */
@Command(
    name = "evaluate",
    header =
        "evaluate - score attributions with a metric, given the model, inputs, masks or method it needs")
final class EvaluateCommand extends Subcommand {
  @Option(
      names = "--metric",
      required = true,
      paramLabel = "NAME",
      description = "the metric (see list)")
  String metricName;

  @Option(
      names = "--set",
      paramLabel = "key=value",
      description = "an option of the metric (see list); repeatable")
  Map<String, String> settings = new LinkedHashMap<>();

  @ArgGroup(exclusive = false)
  ModelOptions model;

  @Option(
      names = "--input",
      paramLabel = "X.npy",
      description = "the inputs the attributions explain")
  Path input;

  @Option(names = "--attributions", paramLabel = "A.npy", description = "the attributions to score")
  Path attributions;

  @Option(
      names = "--masks",
      paramLabel = "M.npy",
      description = "object masks, (N, H, W), for localisation metrics")
  Path masks;

  @ArgGroup(exclusive = true)
  TargetOptions.WithLabels target = new TargetOptions.WithLabels();

  @ArgGroup(exclusive = false)
  MethodGroup method;

  @Option(
      names = "--json",
      paramLabel = "R.json",
      description = "also write the result, per-sample scores included")
  Path json;

  /**
   * The attribution method a metric re-runs (e.g. a sanity check): {@code --method NAME [--layer L]
   * [--method-set k=v]...}.
   */
  static final class MethodGroup {
    @Option(
        names = "--method",
        required = true,
        paramLabel = "NAME",
        description = "the attribution method the metric runs")
    String name;

    @Option(names = "--layer", paramLabel = "L", description = "its layer, for a layer method")
    String layer;

    @Option(
        names = "--method-set",
        paramLabel = "key=value",
        description = "an option of the method; repeatable")
    Map<String, String> settings = new LinkedHashMap<>();
  }

  @Override
  public void run(Host host) throws Exception {
    // the metric, its options and the method are checked before any file is read
    Metric metric = host.ibex().plugins().metric(metricName);
    if (json != null && Files.isDirectory(json)) {
      throw new UsageException("--json " + json + " is a directory; give the .json file to write");
    }
    Options options = Ibex.options(metric, settings);
    Pipeline rerun =
        method == null
            ? null
            : MethodOptions.pipeline(host, method.name, method.settings, method.layer);
    TorchScriptModel loaded = model != null ? model.load(host) : null;
    try (NDManager manager =
        loaded != null ? loaded.manager().newSubManager() : NDManager.newBaseManager()) {
      MetricInput.Builder in = MetricInput.builder();
      if (loaded != null) {
        in.model(loaded);
      }
      if (input != null) {
        in.inputs(
            loaded != null
                ? TensorFiles.readInput(input, manager, loaded)
                : TensorFiles.read(input, manager));
      }
      if (attributions != null) {
        in.attributions(TensorFiles.read(attributions, manager, "--attributions"));
      }
      if (masks != null) {
        NDArray m = TensorFiles.read(masks, manager, "--masks");
        in.masks(m.getDataType().isFloating() ? m : m.toType(DataType.FLOAT32, false));
      }
      in.target(target.target(manager));
      if (rerun != null) {
        in.attributor(rerun.attributor(), rerun.options());
      }
      MetricResult r = host.ibex().score(metricName, in.build(), settings);
      host.out().println(summary(r));
      if (json != null) {
        AtomicFiles.write(
            json,
            new GsonBuilder()
                .setPrettyPrinting()
                .serializeSpecialFloatingPointValues()
                .create()
                .toJson(asJson(r, options))
                .getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      if (loaded != null) {
        loaded.close();
      }
    }
  }

  /** The result in one line: value, direction, and how many samples were scored. */
  private static String summary(MetricResult r) {
    if (r.perSample().length == 0) {
      // a batch-level metric (e.g. fps) has no per-sample counts: say what it measured instead
      StringBuilder measured = new StringBuilder();
      r.extras()
          .forEach(
              (k, v) -> {
                if (v.length == 1) {
                  measured
                      .append(measured.length() == 0 ? "" : ", ")
                      .append(k)
                      .append('=')
                      .append(
                          v[0] == Math.rint(v[0])
                              ? Long.toString((long) v[0])
                              : String.format(Locale.ROOT, "%.6g", v[0]));
                }
              });
      return String.format(
          Locale.ROOT,
          "%s = %.6f (%s; one value for the whole batch%s)",
          r.metric(),
          r.value(),
          ListCommand.direction(r.direction()),
          measured.length() == 0 ? "" : ": " + measured);
    }
    return String.format(
        Locale.ROOT,
        "%s = %.6f (%s; %d scored, %d skipped)",
        r.metric(),
        r.value(),
        ListCommand.direction(r.direction()),
        r.perSample().length - r.skipped(),
        r.skipped());
  }

  private static Map<String, Object> asJson(MetricResult r, Options options) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("metric", r.metric());
    json.put("direction", r.direction().name());
    json.put("value", r.value());
    json.put("perSample", r.perSample());
    json.put("skipped", r.skipped());
    json.put("extras", r.extras());
    json.put("options", options.asMap());
    return json;
  }
}
