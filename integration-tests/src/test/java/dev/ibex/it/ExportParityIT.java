package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ibex.api.Target;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ibex_export.py} on seeded random-weight torchvision models, against references computed
 * once on the eager models (src/test/python/gen_export_reference.py, resources parity/export): the
 * exporter rebuilds each model from the same seed, and ibex on the exported file must give the
 * eager model's forward, pytorch-grad-cam's Grad-CAM at the split layer and Captum's saliency.
 *
 * <p>float64 through the Java API, so that the references hold on any CPU; float32 (the precision
 * users run) through the CLI for the dotted layer names of a ViT and a segmentation model's mask
 * target.
 */
class ExportParityIT {
  private static final String DIR = "/parity/export/";

  /** pytorch-grad-cam's maps are float32: the float64 maps match them to its rounding. */
  private static final double CAM_TOLERANCE = 1e-5;

  /** float32 exports against references from the float64 model. */
  private static final double CAM_TOLERANCE_FLOAT32 = 1e-4;

  /** forward and saliency, relative to the reference's largest magnitude (float64 both sides). */
  private static final double RELATIVE_TOLERANCE = 1e-9;

  @TempDir Path dir;

  /** One model's references: reference.json and the files next to it, copied into a directory. */
  private record Fixture(String name, Path dir, JsonObject json) {
    String layer() {
      return json.get("layer").getAsString();
    }

    List<String> exportArgs(String dtype, Path out) {
      List<String> args = new ArrayList<>();
      for (JsonElement e : json.getAsJsonArray("export")) {
        args.add(e.getAsString());
      }
      JsonArray shape = json.getAsJsonArray("input_shape");
      List<String> dims = new ArrayList<>();
      shape.forEach(d -> dims.add(d.getAsString()));
      args.addAll(
          List.of(
              "--split",
              layer(),
              "--input-shape",
              String.join(",", dims),
              "--dtype",
              dtype,
              "--out",
              out.toString()));
      return args;
    }

    /** grad-cam's options: the layer, min-max as pytorch-grad-cam, the token layout if any. */
    Map<String, String> camOptions() {
      Map<String, String> o = new HashMap<>();
      o.put("layer", layer());
      o.put("normalise", "minmax");
      json.getAsJsonObject("options")
          .entrySet()
          .forEach(e -> o.put(e.getKey(), e.getValue().getAsString()));
      return o;
    }

    boolean segmentation() {
      return json.has("model_output");
    }

    Path file(String name) {
      return dir.resolve(name);
    }
  }

  private Fixture fixture(String name) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    JsonObject json;
    try (InputStream in = getClass().getResourceAsStream(DIR + name + "/reference.json")) {
      assertThat(in).as("reference.json of " + name).isNotNull();
      json =
          JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
              .getAsJsonObject();
    }
    for (String f : new String[] {"x.npy", "logits.npy", "grad-cam.npy", "saliency.npy"}) {
      Fixtures.copy(DIR + name + "/" + f, d);
    }
    Fixtures.copy(DIR + (json.has("model_output") ? name + "/mask.npy" : name + "/y.npy"), d);
    if (json.getAsJsonArray("export").toString().contains("state_dict.pt")) {
      Fixtures.copy(DIR + name + "/state_dict.pt", d);
    }
    Fixtures.copy(DIR + "export_fixture_models.py", d);
    return new Fixture(name, d, json);
  }

  private static double maxAbsDiff(NDArray a, NDArray b) {
    assertThat(a.getShape()).isEqualTo(b.getShape());
    return a.toType(DataType.FLOAT64, false)
        .sub(b.toType(DataType.FLOAT64, false))
        .abs()
        .max()
        .getDouble();
  }

  private static double maxAbs(NDArray a) {
    return a.toType(DataType.FLOAT64, false).abs().max().getDouble();
  }

  private static Target target(Fixture f, NDManager m) throws IOException {
    if (f.segmentation()) {
      return Target.segmentation(
          f.json().get("target_class").getAsInt(), Npy.read(f.file("mask.npy"), m));
    }
    return Target.perSample(
        Npy.read(f.file("y.npy"), m).toType(DataType.INT32, false).toIntArray());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "resnet50",
        "mobilenet_v2",
        "efficientnet_b0",
        "convnext_tiny",
        "vit",
        "swin",
        "fcn_resnet50"
      })
  void theExportedModelGivesTheEagerModelsForwardGradCamAndSaliency(String name) throws Exception {
    Fixture f = fixture(name);
    Path model = f.dir().resolve("model.pt");
    ExportRun.of(f.dir(), f.exportArgs("float64", model)).succeeded();
    Ibex ibex = Ibex.discover();
    TorchScriptModel.Builder b =
        TorchScriptModel.builder(model).device(Device.cpu()).layers(List.of(f.layer()));
    if (f.segmentation()) {
      b.output(f.json().get("model_output").getAsString());
    }
    try (TorchScriptModel m = b.load();
        NDManager manager = m.manager().newSubManager()) {
      NDArray x = Npy.read(f.file("x.npy"), manager);
      assertThat(x.getDataType()).isEqualTo(DataType.FLOAT64);
      NDArray logits = Npy.read(f.file("logits.npy"), manager);
      NDArray gradCam = Npy.read(f.file("grad-cam.npy"), manager);
      NDArray saliency = Npy.read(f.file("saliency.npy"), manager);

      double forward = maxAbsDiff(m.forward(x), logits);
      if (!f
          .segmentation()) { // the split is at the module's own output (fcn: its Grad-CAM shows it)
        Path eager = Fixtures.copy(DIR + name + "/activation.npy", f.dir());
        NDArray activation = Npy.read(eager, manager);
        double split = maxAbsDiff(m.toLayer(f.layer(), x), activation);
        assertThat(split)
            .as("to_ of " + f.layer() + " against the module's output in the eager model")
            .isLessThanOrEqualTo(RELATIVE_TOLERANCE * maxAbs(activation));
      }
      double cam =
          maxAbsDiff(
              ibex.explain(m, x, target(f, manager), "grad-cam", f.camOptions()).values(), gradCam);
      double sal =
          maxAbsDiff(
              ibex.explain(m, x, target(f, manager), "saliency", Map.of()).values(), saliency);
      System.out.printf(
          "export parity %-16s forward %.3g (of %.3g)  grad-cam %.3g  saliency %.3g (of %.3g)%n",
          name, forward, maxAbs(logits), cam, sal, maxAbs(saliency));
      assertThat(forward).as("forward").isLessThanOrEqualTo(RELATIVE_TOLERANCE * maxAbs(logits));
      assertThat(cam).as("grad-cam").isLessThanOrEqualTo(CAM_TOLERANCE);
      assertThat(sal).as("saliency").isLessThanOrEqualTo(RELATIVE_TOLERANCE * maxAbs(saliency));
    }
  }

  @Test
  void modulesNamedWithATrailingNumberAreEachSplitAtTheirOwnOutput() throws Exception {
    // torchvision's NodePathTracer renames ln_1 -> ln and ln_2 -> ln_1: the names given must
    // still be the modules split at
    Fixture f = fixture("vit");
    Path model = f.dir().resolve("two-splits.pt");
    String ln1 = "encoder.layers.encoder_layer_1.ln_1";
    String ln2 = "encoder.layers.encoder_layer_1.ln_2";
    List<String> args = new ArrayList<>(f.exportArgs("float64", model));
    args.addAll(List.of("--split", ln2));
    ExportRun.of(f.dir(), args).succeeded();
    try (TorchScriptModel m =
            TorchScriptModel.builder(model).device(Device.cpu()).layers(List.of(ln1, ln2)).load();
        NDManager manager = m.manager().newSubManager()) {
      NDArray x = Npy.read(f.file("x.npy"), manager);
      NDArray eager = Npy.read(Fixtures.copy(DIR + "vit/activation.npy", f.dir()), manager);
      assertThat(maxAbsDiff(m.toLayer(ln1, x), eager)).isLessThanOrEqualTo(1e-12);
      assertThat(maxAbsDiff(m.toLayer(ln2, x), eager)).as("ln_2 is not ln_1").isGreaterThan(0.1);
    }
  }

  private void assertCliMatches(Fixture f, Path out, double tolerance) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      double d = maxAbsDiff(Npy.read(out, m), Npy.read(f.file("grad-cam.npy"), m));
      System.out.printf("export parity %-16s CLI float32 grad-cam %.3g%n", f.name(), d);
      assertThat(d).as(f.name() + " grad-cam from the CLI").isLessThanOrEqualTo(tolerance);
    }
  }

  @Test
  void aFloat32VitExplainedFromTheCliByTheDottedNameItWasExportedWith() throws Exception {
    Fixture f = fixture("vit");
    Path model = f.dir().resolve("model32.pt");
    ExportRun.of(f.dir(), f.exportArgs("float32", model)).succeeded();
    Path out = dir.resolve("vit-grad-cam.npy");
    CliRun run =
        CliRun.of(
                new ModelFiles(model, f.file("x.npy"))
                    .explain(
                        "grad-cam",
                        out,
                        "--layer",
                        "encoder.layers.encoder_layer_1.ln_1",
                        "--set",
                        "token-layout=tokens",
                        "--set",
                        "prefix-tokens=1",
                        "--set",
                        "normalise=minmax",
                        "--targets",
                        f.file("y.npy").toString()))
            .succeeded();
    assertThat(run.out()).contains("grad-cam (2, 32, 32)");
    assertCliMatches(f, out, CAM_TOLERANCE_FLOAT32);
  }

  @Test
  void aFloat32SegmentationModelExplainedFromTheCliForAClassOverAMask() throws Exception {
    Fixture f = fixture("fcn_resnet50");
    Path model = f.dir().resolve("model32.pt");
    ExportRun.of(f.dir(), f.exportArgs("float32", model)).succeeded();
    Path out = dir.resolve("fcn-grad-cam.npy");
    CliRun run =
        CliRun.of(
                new ModelFiles(model, f.file("x.npy"))
                    .explain(
                        "grad-cam",
                        out,
                        "--layer",
                        "backbone.layer4",
                        "--model-output",
                        "out",
                        "--target",
                        f.json().get("target_class").getAsString(),
                        "--target-mask",
                        f.file("mask.npy").toString(),
                        "--set",
                        "normalise=minmax"))
            .succeeded();
    assertThat(run.out()).contains("grad-cam (2, 64, 64)").contains("summed over a mask");
    assertCliMatches(f, out, CAM_TOLERANCE_FLOAT32);
  }
}
