package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Target;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code explain-pairs}: both sides of image-text pairs with one method, as the NIB paper evaluates
 * them: each image explained by the cosine similarity to its caption's embedding, each caption by
 * the cosine similarity to its image's, the i-th image paired with the i-th text.
 */
@Command(
    name = "explain-pairs",
    header =
        "explain-pairs - explain image-text pairs on both sides: image to caption, caption to image")
final class ExplainPairsCommand extends Subcommand {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "M.pt",
      description = "the image-text TorchScript model")
  Path file;

  @Option(
      names = "--image-entry",
      paramLabel = "METHOD",
      description = "the model's image tower (default: encode_image)")
  String imageEntry = "encode_image";

  @Option(
      names = "--text-entry",
      paramLabel = "METHOD",
      description = "the model's text tower (default: encode_text)")
  String textEntry = "encode_text";

  @Option(
      names = "--images",
      required = true,
      paramLabel = "X.npy",
      description = "float32 pixels (N, C, H, W)")
  Path images;

  @Option(
      names = "--ids",
      paramLabel = "IDS.npy",
      description = "int64 token ids (N, L) of the captions; or give --text / --text-file")
  Path ids;

  @Option(
      names = "--text",
      paramLabel = "TEXT",
      description = "a caption, tokenised with --tokenizer; repeatable, one per image")
  List<String> texts = new ArrayList<>();

  @Option(
      names = "--text-file",
      paramLabel = "FILE",
      description = "captions, one per line (UTF-8), one per image")
  Path textFile;

  @Option(
      names = "--tokenizer",
      paramLabel = "T.json",
      description = "a Hugging Face tokenizer.json for the captions (padded with id 0)")
  Path tokenizer;

  @Option(
      names = "--method",
      required = true,
      paramLabel = "NAME",
      description = "the attribution method, run on both towers (e.g. nib, m2ib, chefer)")
  String method;

  @Option(
      names = "--image-layer",
      paramLabel = "L",
      description = "the image tower's split point, for a layer method (e.g. image_2)")
  String imageLayer;

  @Option(
      names = "--text-layer",
      paramLabel = "L",
      description =
          "the text tower's split point, for a layer method (e.g. text_2); its tail takes the ids")
  String textLayer;

  @Option(
      names = "--set",
      paramLabel = "key=value",
      description = "an option of the method for both sides (see list); repeatable")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "where image.npy, text.npy and the pages (image/index.html, text/index.html) go")
  Path out;

  @Override
  public void run(Host host) throws Exception {
    TextInputs.requireOne("--ids IDS.npy", ids, texts, textFile, tokenizer);
    Pipeline imageSide = side(host, "image", imageLayer);
    Pipeline textSide = side(host, "text", textLayer);
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " is a file; give the directory to write into");
    }
    try (TorchScriptModel imageTower = tower(host, imageEntry, false);
        TorchScriptModel textTower = tower(host, textEntry, true);
        NDManager manager = imageTower.manager().newSubManager()) {
      NDArray x = TensorFiles.read(images, manager);
      TextTokens text =
          ids != null
              ? null
              : TextTokens.encode(
                  tokenizer, textFile != null ? TextTokens.lines(textFile) : texts, 0);
      NDArray tokens = text != null ? text.toArray(manager) : TensorFiles.read(ids, manager);
      if (x.getShape().get(0) != tokens.getShape().get(0)) {
        throw new InvalidInputException(
            x.getShape().get(0)
                + " images but "
                + tokens.getShape().get(0)
                + " captions: the i-th image pairs with the i-th caption");
      }
      NDArray imageEmbeddings = imageTower.forward(x).stopGradient();
      NDArray textEmbeddings = textTower.forward(tokens).stopGradient();
      Attribution image =
          imageSide.run(imageTower, x, Target.cosineSimilarity(textEmbeddings)).attribution();
      Attribution caption =
          textSide.run(textTower, tokens, Target.cosineSimilarity(imageEmbeddings)).attribution();
      host.out().println("image: " + image);
      host.out().println("text:  " + caption);
      Files.createDirectories(out);
      writePages(x, tokens, text, image, caption);
      Npy.write(image.values(), out.resolve("image.npy"));
      Npy.write(caption.values(), out.resolve("text.npy"));
      host.out().println("wrote " + out.resolve("image.npy") + ", " + out.resolve("text.npy"));
    }
  }

  /** The method for one side: the given settings, the side's modality and split point. */
  private Pipeline side(Host host, String modality, String layer) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    boolean hasModality =
        host.ibex().pipeline(method, settings).attributor().options().specs().stream()
            .anyMatch(o -> o.name().equals("modality"));
    if (hasModality) {
      s.putIfAbsent("modality", modality);
    }
    return MethodOptions.pipeline(host, method, s, layer);
  }

  private TorchScriptModel tower(Host host, String entry, boolean tailTakesInput) {
    return TorchScriptModel.builder(file)
        .device(host.device())
        .forwardMethod(entry)
        .tailTakesInput(tailTakesInput)
        .load();
  }

  private void writePages(
      NDArray x, NDArray tokens, TextTokens text, Attribution image, Attribution caption)
      throws Exception {
    List<String[]> pictures = new ArrayList<>();
    Path imageDir = Files.createDirectories(out.resolve("image"));
    for (int i = 0; i < x.getShape().get(0); i++) {
      String name = "pair-" + i + ".png";
      int scale = Math.max(1, 256 / (int) x.getShape().get(2));
      Heatmaps.overlay(
          x.get(i), Heatmaps.displayMap(image.values(), i), scale, imageDir.resolve(name));
      pictures.add(new String[] {name, "pair " + i + ": image | " + image.method()});
    }
    String title = "ibex explain-pairs: " + method;
    Heatmaps.page(imageDir, title + ", images", image.toString(), pictures);
    Path textDir = Files.createDirectories(out.resolve("text"));
    if (text != null) {
      Heatmaps.tokenPage(textDir, title + ", captions", caption.toString(), text, caption.values());
    } else {
      Heatmaps.tokenPage(
          textDir, title + ", captions", caption.toString(), tokens, caption.values());
    }
  }
}
