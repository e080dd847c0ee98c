package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Layout;
import dev.ibex.api.Target;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code explain}: attribute a TorchScript model's output on a .npy batch, write .npy (and PNGs).
 */
@Command(
    name = "explain",
    header =
        "explain - attribute a model's output on a batch; write the attribution as .npy (and heatmaps)")
final class ExplainCommand extends Subcommand {
  @Mixin ModelOptions model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "X.npy",
      description = "the batch: float32 pixels (N, C, H, W) or int64 token ids (N, L)")
  Path input;

  @Mixin MethodOptions method;

  @ArgGroup(exclusive = true)
  TargetOptions.WithLabels target = new TargetOptions.WithLabels();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "A.npy",
      description = "where the attribution goes")
  Path out;

  @Option(
      names = "--png",
      paramLabel = "DIR",
      description = "also write heatmaps (or token colours) and DIR/index.html")
  Path png;

  @Override
  public void run(Host host) throws Exception {
    Pipeline pipeline = method.pipeline(host);
    if (Files.isDirectory(out)) {
      // refused before the model runs: the result could never be written there
      throw new UsageException("--out " + out + " is a directory; give the .npy file to write");
    }
    try (TorchScriptModel loaded = model.load(host);
        NDManager manager = loaded.manager().newSubManager()) {
      NDArray x = TensorFiles.readInput(input, manager, loaded);
      Target explained = target.target(manager);
      Attribution attribution = pipeline.run(loaded, x, explained).attribution();
      host.out().println(attribution);
      for (var d : attribution.diagnostics().entrySet()) {
        host.out().println("  " + d.getKey() + " = " + Arrays.toString(d.getValue()));
      }
      if (png != null) {
        writePages(host, x, attribution);
      }
      Npy.write(attribution.values(), out); // last: a failure above leaves no result file behind
    }
  }

  /** Token colours for token ids, else one heatmap PNG per sample; and the page that shows them. */
  private void writePages(Host host, NDArray x, Attribution attribution) throws Exception {
    String title = "ibex explain: " + attribution.method();
    if (attribution.layout() == Layout.TOKEN) {
      Heatmaps.tokenPage(png, title, attribution.toString(), x, attribution.values());
      host.out().println("wrote " + png.resolve("index.html"));
      return;
    }
    List<String[]> images = new ArrayList<>();
    for (int i = 0; i < x.getShape().get(0); i++) {
      String file = attribution.method() + "-" + i + ".png";
      int scale = Math.max(1, 256 / (int) x.getShape().get(2));
      Heatmaps.overlay(
          x.get(i), Heatmaps.displayMap(attribution.values(), i), scale, png.resolve(file));
      images.add(new String[] {file, "sample " + i + ": input | " + attribution.method()});
    }
    Heatmaps.page(png, title, attribution.toString(), images);
    host.out().println("wrote " + images.size() + " heatmaps and " + png.resolve("index.html"));
  }
}
