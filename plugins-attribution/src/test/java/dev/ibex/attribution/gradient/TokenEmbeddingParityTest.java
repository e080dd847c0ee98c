package dev.ibex.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.AttentionMaskedModel;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.wrapper.NoiseTunnel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient methods on token ids at the embedding layer of a text classifier with an attention mask
 * (parity/text, gen_text_reference.py), against Captum 0.8.0's layer methods: {@code
 * LayerIntegratedGradients} with each quadrature, {@code LayerGradientXActivation}; the mask comes
 * from {@link AttentionMaskedModel}, which none of the methods knows about.
 */
class TokenEmbeddingParityTest {
  private static final double TOLERANCE = 1e-4;
  @TempDir static Path dir;
  static AttentionMaskedModel model;
  static NDManager manager;
  static NDArray ids;

  @BeforeAll
  static void load() throws IOException {
    Path file = dir.resolve("model.pt");
    try (InputStream in = resource("model.pt")) {
      Files.copy(in, file);
    }
    model =
        AttentionMaskedModel.wrap(
            TorchScriptModel.builder(file).device(Device.cpu()).layers(List.of("embed")).load(), 0);
    manager = model.manager().newSubManager();
    ids = npy("ids.npy");
  }

  @AfterAll
  static void close() {
    manager.close();
    model.close();
  }

  private static InputStream resource(String name) {
    InputStream in = TokenEmbeddingParityTest.class.getResourceAsStream("/parity/text/" + name);
    assertThat(in).as(name).isNotNull();
    return in;
  }

  private static NDArray npy(String name) {
    try (InputStream in = resource(name)) {
      return Npy.read(in, manager, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double maxAbs(NDArray a, NDArray b) {
    assertThat(a.getShape()).isEqualTo(b.getShape());
    return a.toType(DataType.FLOAT64, false)
        .sub(b.toType(DataType.FLOAT64, false))
        .abs()
        .max()
        .getDouble();
  }

  private static void check(String what, NDArray actual, String reference) {
    double d = maxAbs(actual, npy(reference));
    System.out.printf("tokens %s: max |java - reference| = %.3g%n", what, d);
    assertThat(d).as(what).isLessThanOrEqualTo(TOLERANCE);
  }

  private static Options ig(int steps, String quadrature) {
    return new IntegratedGradients()
        .options()
        .defaults()
        .with("embedding", "embed")
        .with("steps", steps)
        .with("quadrature", quadrature)
        .with("reference-token", 0)
        .with("keep-tokens", "1,2");
  }

  private static Attribution integrated(int steps, String quadrature) {
    return new IntegratedGradients()
        .attribute(model, ids, Target.ofClass(1), ig(steps, quadrature));
  }

  @Test
  void integratedGradientsEqualsLayerIntegratedGradientsForEveryQuadrature() {
    for (String q :
        new String[] {
          "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre"
        }) {
      Attribution a = integrated(50, q);
      assertThat(a.values().getShape()).isEqualTo(new Shape(4, 10));
      check("integrated-gradients " + q, a.values(), "lig." + q + ".npy");
      assertThat(a.forwardPassesPerSample()).isEqualTo(52.0);
      assertThat(a.backwardPassesPerSample()).isEqualTo(50.0);
    }
  }

  @Test
  void completenessGapShrinksWithStepsAndEqualsCaptumsDelta() {
    double previous = Double.POSITIVE_INFINITY;
    for (int steps : new int[] {4, 16, 64}) {
      Attribution a = integrated(steps, "riemann_right");
      check(
          "integrated-gradients riemann_right " + steps,
          a.values(),
          "lig.riemann_right." + steps + ".npy");
      double[] gap = a.diagnostics().get("completeness-gap");
      double[] captum = npy("lig.delta.riemann_right." + steps + ".npy").toDoubleArray();
      double worst = 0;
      for (int i = 0; i < gap.length; i++) {
        assertThat(gap[i]).isCloseTo(captum[i], org.assertj.core.data.Offset.offset(TOLERANCE));
        worst = Math.max(worst, Math.abs(gap[i]));
      }
      System.out.printf("tokens completeness gap, %d steps: %.3g%n", steps, worst);
      assertThat(worst).isLessThan(previous);
      previous = worst;
    }
  }

  @Test
  void paddingTokensGetZero() {
    NDArray a = integrated(16, "gausslegendre").values();
    NDArray padding = ids.eq(0);
    assertThat(padding.sum().getLong()).isEqualTo(9L); // lengths 10, 7, 5, 9
    assertThat(a.get(padding).abs().max().getDouble()).isEqualTo(0.0);
    NDArray s =
        new Saliency()
            .attribute(
                model,
                ids,
                Target.predicted(),
                new Saliency().options().defaults().with("embedding", "embed"))
            .values();
    assertThat(s.get(padding).abs().max().getDouble()).isEqualTo(0.0);
  }

  @Test
  void inputXGradientEqualsLayerGradientXActivation() {
    InputXGradient ixg = new InputXGradient();
    Attribution a =
        ixg.attribute(
            model, ids, Target.ofClass(1), ixg.options().defaults().with("embedding", "embed"));
    check("input-x-gradient", a.values(), "ixg.npy");
    assertThat(a.forwardPassesPerSample()).isEqualTo(1.0);
  }

  @Test
  void saliencyIsTheAbsoluteEmbeddingGradientPerToken() {
    Saliency saliency = new Saliency();
    Attribution a =
        saliency.attribute(
            model,
            ids,
            Target.predicted(),
            saliency.options().defaults().with("embedding", "embed"));
    check("saliency", a.values(), "saliency.npy");
  }

  private static Attribution smoothGrad(Integer internalBatchSize) {
    Saliency saliency = new Saliency();
    NoiseTunnel tunnel =
        new NoiseTunnel(saliency, saliency.options().defaults().with("embedding", "embed"));
    Options o = tunnel.options().defaults().with("samples", 8).with("stdev", 0.15).with("seed", 3);
    if (internalBatchSize != null) {
      o = o.with("internal-batch-size", internalBatchSize);
    }
    return tunnel.attribute(model, ids, Target.predicted(), o);
  }

  @Test
  void smoothGradPutsItsNoiseAtTheEmbeddings() {
    Attribution a = smoothGrad(null);
    check("smoothgrad of saliency", a.values(), "smoothgrad.npy");
    NDArray chunked = smoothGrad(3).values();
    assertThat(maxAbs(a.values(), chunked)).isLessThanOrEqualTo(1e-12);
    assertThat(a.values().get(ids.eq(0)).abs().max().getDouble()).isEqualTo(0.0);
  }

  @Test
  void smoothGradOnIdsNeedsTheBaseMethodsLayer() {
    Saliency saliency = new Saliency();
    NoiseTunnel tunnel = new NoiseTunnel(saliency);
    assertThatThrownBy(
            () -> tunnel.attribute(model, ids, Target.ofClass(1), tunnel.options().defaults()))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("token ids get their noise at the embedding split point");
  }

  @Test
  void tokenIdsNeedAnEmbeddingLayer() {
    Saliency saliency = new Saliency();
    assertThatThrownBy(
            () -> saliency.attribute(model, ids, Target.ofClass(1), saliency.options().defaults()))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith(
            "token ids (N, L) are attributed at an embedding split point: give embedding=");
    assertThatThrownBy(
            () ->
                new IntegratedGradients()
                    .attribute(
                        model,
                        ids,
                        Target.ofClass(1),
                        ig(4, "riemann_left").with("keep-tokens", "1;2")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("keep-tokens must be comma-separated token ids, e.g. 101,102; got '1;2'");
  }

  @Test
  void theMaskIsOneForTokensAndZeroForPadding() {
    NDArray mask = model.mask(ids);
    assertThat(mask.getDataType()).isEqualTo(DataType.INT64);
    assertThat(mask.sum().getLong()).isEqualTo(40L - 9L);
    assertThat(mask.get("2, 4").getLong()).isEqualTo(1L);
    assertThat(mask.get("2, 5").getLong()).isEqualTo(0L);
  }
}
