package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import dev.ibex.api.Attributor;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.io.AtomicFiles;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code evaluate}: score attributions with a metric (model, masks and attributor as it needs). */
final class EvaluateCommand implements Command {
  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String usage() {
    return "evaluate --metric NAME [--model M.pt] [--input X.npy] [--attributions A.npy] [--masks M.npy]\n"
        + "         [--target K | --targets Y.npy | --cosine-to E.npy] [--method NAME [--method-set k=v]...]\n"
        + "         [--layer L] [--entry METHOD] [--tail-takes-input] [--set key=value]... [--json R.json]";
  }

  @Override
  public void run(Host host, List<String> args) throws Exception {
    Args a = Args.parse(name(), args, AttributionSetup.EVALUATE_ARGS, AttributionSetup.FLAGS);
    Metric metric = host.plugins().metric(a.require("--metric"));
    if (a.get("--json").isPresent() && Files.isDirectory(Path.of(a.get("--json").get()))) {
      throw new UsageException("--json " + a.get("--json").get() + " is a directory; give the .json file to write");
    }
    Options options = metric.options().parse(a.settings());
    Attributor attributor = a.get("--method").map(host.plugins()::attributor).orElse(null);
    Options attributorOptions = attributor == null ? null : AttributionSetup.options(attributor, a, "--method-set");
    TorchScriptModel model = a.get("--model").isPresent() ? AttributionSetup.model(host, a) : null;
    try (NDManager manager = model != null ? model.manager().newSubManager() : NDManager.newBaseManager()) {
      MetricInput.Builder in = MetricInput.builder();
      if (model != null) {
        in.model(model);
      }
      if (a.get("--input").isPresent()) {
        in.inputs(AttributionSetup.input(Path.of(a.get("--input").get()), manager));
      }
      if (a.get("--attributions").isPresent()) {
        in.attributions(AttributionSetup.input(Path.of(a.get("--attributions").get()), manager, "--attributions"));
      }
      if (a.get("--masks").isPresent()) {
        NDArray masks = AttributionSetup.input(Path.of(a.get("--masks").get()), manager, "--masks");
        in.masks(masks.getDataType().isFloating() ? masks : masks.toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
      }
      in.target(AttributionSetup.target(a, manager));
      if (attributor != null) {
        in.attributor(attributor, attributorOptions);
      }
      MetricResult r = metric.evaluate(in.build(), options);
      if (r.perSample().length == 0) {
        // a batch-level metric (e.g. fps) has no per-sample counts: say what it measured instead
        StringBuilder measured = new StringBuilder();
        r.extras().forEach((k, v) -> {
          if (v.length == 1) {
            measured.append(measured.length() == 0 ? "" : ", ").append(k).append('=')
                .append(v[0] == Math.rint(v[0]) ? Long.toString((long) v[0]) : String.format(Locale.ROOT, "%.6g", v[0]));
          }
        });
        host.out().printf(Locale.ROOT, "%s = %.6f (%s; one value for the whole batch%s)%n", r.metric(), r.value(),
            ListCommand.direction(r.direction()), measured.length() == 0 ? "" : ": " + measured);
      } else {
        host.out().printf(Locale.ROOT, "%s = %.6f (%s; %d scored, %d skipped)%n", r.metric(), r.value(),
            ListCommand.direction(r.direction()), r.perSample().length - r.skipped(), r.skipped());
      }
      if (a.get("--json").isPresent()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("metric", r.metric());
        json.put("direction", r.direction().name());
        json.put("value", r.value());
        json.put("perSample", r.perSample());
        json.put("skipped", r.skipped());
        json.put("extras", r.extras());
        json.put("options", options.asMap());
        AtomicFiles.write(Path.of(a.get("--json").get()),
            new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(json)
                .getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      if (model != null) {
        model.close();
      }
    }
  }
}
