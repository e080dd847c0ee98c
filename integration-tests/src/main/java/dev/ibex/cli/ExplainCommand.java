package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Layout;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code explain}: attribute a TorchScript model's output on a .npy batch, write .npy (and PNGs). */
final class ExplainCommand implements Command {
  @Override
  public String name() {
    return "explain";
  }

  @Override
  public String usage() {
    return "explain --model M.pt --input X.npy --method NAME [--layer L]\n"
        + "        [--target K | --targets Y.npy | --cosine-to E.npy] [--entry METHOD] [--tail-takes-input]\n"
        + "        [--set key=value]... --out A.npy [--png DIR]";
  }

  @Override
  public void run(Host host, List<String> args) throws Exception {
    Args a = Args.parse(name(), args, AttributionSetup.EXPLAIN_ARGS, AttributionSetup.FLAGS);
    Attributor attributor = host.plugins().attributor(a.require("--method"));
    Options options = AttributionSetup.options(attributor, a);
    Path out = Path.of(a.require("--out"));
    if (Files.isDirectory(out)) {
      // refused before the model runs: the result could never be written there
      throw new UsageException("--out " + out + " is a directory; give the .npy file to write");
    }
    try (TorchScriptModel model = AttributionSetup.model(host, a);
        NDManager manager = model.manager().newSubManager()) {
      NDArray x = AttributionSetup.input(Path.of(a.require("--input")), manager);
      Target target = AttributionSetup.target(a, manager);
      Attribution attribution = Host.attribute(attributor, model, x, target, options);
      host.out().println(attribution);
      for (var d : attribution.diagnostics().entrySet()) {
        host.out().println("  " + d.getKey() + " = " + Arrays.toString(d.getValue()));
      }
      if (a.get("--png").isPresent() && attribution.layout() == Layout.TOKEN) {
        Path dir = Path.of(a.get("--png").get());
        Heatmaps.tokenPage(dir, "ibex explain: " + attribution.method(), attribution.toString(), x, attribution.values());
        host.out().println("wrote " + dir.resolve("index.html"));
      } else if (a.get("--png").isPresent()) {
        Path dir = Path.of(a.get("--png").get());
        List<String[]> images = new ArrayList<>();
        for (int i = 0; i < x.getShape().get(0); i++) {
          String file = attribution.method() + "-" + i + ".png";
          int scale = Math.max(1, 256 / (int) x.getShape().get(2));
          Heatmaps.overlay(x.get(i), Heatmaps.displayMap(attribution.values(), i), scale, dir.resolve(file));
          images.add(new String[] {file, "sample " + i + ": input | " + attribution.method()});
        }
        Heatmaps.page(dir, "ibex explain: " + attribution.method(), attribution.toString(), images);
        host.out().println("wrote " + images.size() + " heatmaps and " + dir.resolve("index.html"));
      }
      Npy.write(attribution.values(), out); // last: a failure above leaves no result file behind
    }
  }
}
