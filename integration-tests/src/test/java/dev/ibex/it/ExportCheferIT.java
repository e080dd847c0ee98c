package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Target;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.AttentionProbing;
import dev.ibex.api.model.TorchScriptModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chefer} on a torchvision ViT exported with {@code ibex-export --attention}: the exporter
 * rewrites every {@code nn.MultiheadAttention} of the fx graph to add a probe to its probabilities,
 * and ibex's relevance maps must equal the Chefer rule run on the eager model, whose probabilities
 * and their gradients are read with {@code retain_grad} (gen_export_chefer_reference.py, resources
 * parity/export-chefer; the weights are parity/export/vit's).
 */
class ExportCheferIT {
  private static final String DIR = "/parity/export-chefer/";

  @TempDir Path dir;
  private Path x;

  @BeforeEach
  void copy() throws Exception {
    x = Fixtures.copy(DIR + "x.npy", dir);
    Fixtures.copy("/parity/export/vit/state_dict.pt", dir);
  }

  private Path export(String dtype) throws Exception {
    Path out = dir.resolve("vit-" + dtype + ".pt");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--model",
                "torchvision.models.vision_transformer:VisionTransformer",
                "--arg",
                "image_size=32",
                "--arg",
                "patch_size=8",
                "--arg",
                "num_layers=2",
                "--arg",
                "num_heads=2",
                "--arg",
                "hidden_dim=32",
                "--arg",
                "mlp_dim=64",
                "--arg",
                "num_classes=10",
                "--seed",
                "0",
                "--state-dict",
                "state_dict.pt",
                "--split",
                "encoder.layers.encoder_layer_1.ln_1",
                "--attention",
                "--input-shape",
                "2,3,32,32",
                "--dtype",
                dtype,
                "--out",
                out.toString()));
    ExportRun run = ExportRun.of(dir, args).succeeded();
    assertThat(run.out())
        .contains("attention: attention_forward / attention_shape_forward, 2 blocks");
    return out;
  }

  private static double maxAbsDiff(NDArray a, NDArray b) {
    return a.toType(DataType.FLOAT64, false)
        .sub(b.toType(DataType.FLOAT64, false))
        .abs()
        .max()
        .getDouble();
  }

  @Test
  void cheferOnTheExportedVitIsTheRuleOnTheEagerModel() throws Exception {
    Path model = export("float64");
    Ibex ibex = Ibex.discover();
    try (TorchScriptModel m = TorchScriptModel.builder(model).device(Device.cpu()).load();
        NDManager manager = m.manager().newSubManager()) {
      assertThat(AttentionProbing.of(m)).isPresent();
      NDArray input = Npy.read(x, manager);
      assertThat(m.attentionShape(input)).containsExactly(2, 2, 17);
      for (var t :
          Map.of("predicted", Target.predicted(), "class3", Target.ofClass(3)).entrySet()) {
        NDArray expected =
            Npy.read(Fixtures.copy(DIR + "chefer." + t.getKey() + ".npy", dir), manager);
        NDArray got = ibex.explain(m, input, t.getValue(), "chefer", Map.of()).values();
        double d = maxAbsDiff(got, expected);
        System.out.printf("export chefer float64 %-9s %.3g%n", t.getKey(), d);
        assertThat(d).as(t.getKey()).isLessThanOrEqualTo(1e-9);
      }
    }
  }

  @Test
  void cheferFromTheCliOnAFloat32Export() throws Exception {
    Path model = export("float32");
    Path out = dir.resolve("chefer.npy");
    CliRun run =
        CliRun.of(new ModelFiles(model, x).explain("chefer", out, "--target", "3")).succeeded();
    assertThat(run.out()).contains("chefer (2, 32, 32)").contains("passes/image=1/1");
    try (NDManager m = NDManager.newBaseManager()) {
      double d =
          maxAbsDiff(Npy.read(out, m), Npy.read(Fixtures.copy(DIR + "chefer.class3.npy", dir), m));
      System.out.printf("export chefer CLI float32 class3 %.3g%n", d);
      assertThat(d).isLessThanOrEqualTo(1e-4);
    }
  }
}
