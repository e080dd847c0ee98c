package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ibex.demo.AibExperiment;
import dev.ibex.demo.AibPaper;
import dev.ibex.demo.SibExperiment;
import dev.ibex.demo.clip.NibConfig;
import dev.ibex.demo.clip.NibExperiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --quick} end to end: the structure of results.json and index.html (not the numbers,
 * which a quick run is too small to make meaningful).
 */
class DemoCliTest {
  @TempDir Path dir;

  @Test
  void quickDemoWritesASelfContainedReportAndEveryNumber() throws IOException {
    Path out = dir.resolve("demo");
    CliRun run =
        CliRun.of("demo", "--quick", "--threads", "1", "--out", out.toString()).succeeded();
    assertThat(run.out())
        .contains("training plain")
        .contains("training s-ib")
        .contains("scoring s-ib")
        .contains("training aib")
        .contains("aib experiment: scoring plain")
        .contains("wrote ");

    JsonObject json =
        JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
    assertThat(json.getAsJsonArray("experiments").toString())
        .isEqualTo("[\"s-ib\",\"aib\",\"nib\"]");
    assertThat(json.getAsJsonObject("machineAtStart").get("cores").getAsInt()).isPositive();
    assertThat(json.getAsJsonObject("versions").get("djl").getAsString()).isNotEmpty();
    assertThat(json.getAsJsonObject("config").getAsJsonArray("seeds")).hasSize(1);
    JsonArray runs = json.getAsJsonArray("runs");
    assertThat(runs).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonObject r = runs.get(i).getAsJsonObject();
      assertThat(r.get("variant").getAsString()).isEqualTo(i == 0 ? "plain" : "s-ib");
      assertThat(r.get("accuracy").getAsDouble()).isBetween(0.0, 1.0);
      assertThat(r.get("shiftedAccuracy").getAsDouble()).isBetween(0.0, 1.0);
      assertThat(r.getAsJsonArray("history")).hasSize(2);
      JsonObject scores = r.getAsJsonObject("scores");
      for (String method : SibExperiment.METHODS) {
        for (String metric : SibExperiment.METRICS) {
          JsonElement v = scores.getAsJsonObject(method).get(metric);
          assertThat(v.isJsonNull()).as(method + " " + metric).isFalse();
        }
      }
    }
    // the s-ib run logged its terms, so its share of the loss is positive; the plain run has none
    assertThat(runs.get(0).getAsJsonObject().get("share").getAsDouble()).isZero();
    assertThat(runs.get(1).getAsJsonObject().get("share").getAsDouble()).isPositive();
    assertThat(json.getAsJsonObject("summary").keySet()).containsExactly("plain", "s-ib");
    JsonObject sanity = json.getAsJsonObject("sanityModelRandomisation");
    for (String variant : new String[] {"plain", "s-ib"}) {
      for (String method : SibExperiment.METHODS) {
        // a rank correlation
        assertThat(sanity.getAsJsonObject(variant).get(method).getAsDouble())
            .as(variant + " " + method)
            .isBetween(-1.0, 1.0);
      }
    }

    // experiment AIB: the plain run is S-IB's, the aib run its own; every map scored under every
    // modification, with the share of predictions kept
    JsonObject aib = json.getAsJsonObject("aib");
    JsonArray aibRuns = aib.getAsJsonArray("runs");
    assertThat(aibRuns).hasSize(2);
    assertThat(aibRuns.get(0).getAsJsonObject().get("accuracy").getAsDouble())
        .isEqualTo(runs.get(0).getAsJsonObject().get("accuracy").getAsDouble());
    for (int i = 0; i < 2; i++) {
      JsonObject r = aibRuns.get(i).getAsJsonObject();
      String variant = AibExperiment.VARIANTS.get(i);
      assertThat(r.get("variant").getAsString()).isEqualTo(variant);
      assertThat(r.get("accuracy").getAsDouble()).isBetween(0.0, 1.0);
      for (String method : AibExperiment.METHODS.get(variant)) {
        JsonObject byLabel = r.getAsJsonObject("scores").getAsJsonObject(method);
        for (AibPaper.Modification mod : AibPaper.MODIFICATIONS) {
          assertThat(byLabel.get(AibExperiment.keptLabel(mod)).getAsDouble())
              .as(variant + " " + method + " " + mod.label())
              .isBetween(0.0, 1.0);
          // NaN (null) only where no scene kept its prediction
          if (byLabel.get(AibExperiment.keptLabel(mod)).getAsDouble() > 0) {
            assertThat(byLabel.get(mod.label()).getAsDouble()).isBetween(0.0, 1.0);
          }
        }
        for (String metric : AibExperiment.LOCALISATION) {
          assertThat(byLabel.get(metric).getAsDouble()).isBetween(0.0, 1.0);
        }
      }
    }
    // sizes and radii scaled from 32-pixel CIFAR to the 56-pixel canvas
    assertThat(aib.getAsJsonObject("modifications").getAsJsonObject("colour block p=16"))
        .hasToString("{\"modification\":\"colour-block\",\"size\":28,\"seed\":7}");

    // experiment NIB: a trained model, every method on the image side, the text methods on the
    // text side, each with drop, increase, speed and passes; examples with every map
    JsonObject nib = json.getAsJsonObject("nib");
    JsonObject after = nib.getAsJsonObject("retrieval").getAsJsonObject("after");
    assertThat(after.get("image-to-text").getAsDouble()).isBetween(0.0, 1.0);
    assertThat(after.get("chance").getAsDouble()).isPositive();
    assertThat(nib.getAsJsonArray("curve")).hasSize(NibConfig.quick(7).epochs());
    List<String> scored = new ArrayList<>();
    for (JsonElement e : nib.getAsJsonArray("scores")) {
      JsonObject sc = e.getAsJsonObject();
      scored.add(sc.get("side").getAsString() + ":" + sc.get("method").getAsString());
      JsonObject common = sc.getAsJsonObject("metrics-on-common-pairs");
      for (String metric : NibExperiment.TEXT_METRICS) {
        assertThat(common.get(metric).getAsDouble()).as(scored + " " + metric).isFinite();
      }
      assertThat(sc.get("images-per-second").getAsDouble()).isPositive();
      assertThat(sc.get("forward-per-pair").getAsDouble()).isPositive();
    }
    List<String> expected = new ArrayList<>();
    NibExperiment.METHODS.forEach(m -> expected.add("image:" + m));
    NibExperiment.TEXT_METHODS.forEach(m -> expected.add("text:" + m));
    assertThat(scored).containsExactlyInAnyOrderElementsOf(expected);
    int examples = NibConfig.quick(7).shown();
    assertThat(nib.getAsJsonArray("examples")).hasSize(examples);

    String html = Files.readString(out.resolve("index.html"));
    assertThat(html)
        .contains("<h2>Setup</h2>")
        .contains("<h2>Accuracy (mean ± std over seeds)</h2>")
        .contains("<h2>Training curves</h2>")
        .contains("<h2>Sanity check</h2>")
        .contains("<h2>Experiment AIB: plain vs aib</h2>")
        .contains(
            "<h2>Experiment NIB: eight methods on a CLIP-like model trained contrastively</h2>")
        .contains("<h3>Text side: the caption's tokens explained toward the image's embedding</h3>")
        .contains(
            "Paper (Lai et al. 2021, CIFAR-10, VGG backbone, Tables 1 and 2): top-1 92.23 → 95.90")
        .contains("<td>low-pass r&lt;12 → r &lt; 21</td>")
        .contains("<td>colour block p=16 → block 28 px</td>")
        .contains("QUICK RUN")
        .contains("Paper (S-IB paper, ResNet-50 on CUB-200")
        .contains("56.90 → 70.07 (+13.17)")
        .contains("Each tile is the input blended half and half with one map")
        .contains("class=\"bar\"")
        .contains("↑ higher is better, ↓ lower is better");
    for (String method : SibExperiment.METHODS) {
      assertThat(html).contains("<td>" + method + "</td>");
    }
    // self-contained: every image is a data URI; 4 shown scenes x (input, mask, 6 methods x 2,
    // aib's attention and saliency), and NIB's examples x (input, named garment, 8 methods)
    Matcher src = Pattern.compile("src=\"([^\"]*)\"").matcher(html);
    int png = 0;
    int svg = 0;
    while (src.find()) {
      String s = src.group(1);
      assertThat(s).startsWith("data:image/");
      png += s.startsWith("data:image/png;base64,") ? 1 : 0;
      svg += s.startsWith("data:image/svg+xml;base64,") ? 1 : 0;
    }
    assertThat(png)
        .isEqualTo(
            4 * (2 + 2 * SibExperiment.METHODS.size() + 2)
                + examples * (2 + NibExperiment.METHODS.size()));
    assertThat(svg).isEqualTo(3 + 2);
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("index.html", "results.json");
    }
  }
}
