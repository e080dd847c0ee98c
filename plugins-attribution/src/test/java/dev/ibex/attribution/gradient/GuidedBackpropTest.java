package dev.ibex.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.spi.SeededNoise;
import dev.ibex.attribution.fixtures.ParityFixture;
import dev.ibex.attribution.fixtures.TinyNets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Guided backprop against hand-written references, and its refusal of models without stages. */
class GuidedBackpropTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /** out = W2 relu(W1 x): guided gradient = W1ᵀ (relu(W2ᵀ e_c) ⊙ 1[W1 x > 0]), computed by hand. */
  @Test
  void matchesTheAnalyticRuleOnATwoLayerNetwork() {
    float[] w1 = {1, -2, 0.5f, 1, -1, 1, 2, -0.5f, 0.3f, 0.7f, -1.2f, 0.4f}; // (3, 4), row-major
    float[] w2 = {1.5f, -2, 0.5f, -1, 1, 0.25f}; // (2, 3)
    float[][] xs = {{1, 0.5f, -1, 2}, {-1, 1, 0.2f, -0.3f}};
    SequentialBlock net = TinyNets.mlp(manager, w1, w2);
    NDArray x =
        manager.create(new float[] {1, 0.5f, -1, 2, -1, 1, 0.2f, -0.3f}, new Shape(2, 1, 2, 2));
    int cls = 0;
    try (BlockModel model = BlockModel.of(net, manager)) {
      Attribution a = new GuidedBackprop().attribute(model, x, Target.ofClass(cls));
      float[] got = a.values().toFloatArray();
      for (int s = 0; s < 2; s++) {
        float[] expected = new float[4];
        for (int h = 0; h < 3; h++) {
          double pre = 0;
          for (int i = 0; i < 4; i++) {
            pre += w1[h * 4 + i] * xs[s][i];
          }
          double g = Math.max(0, w2[cls * 3 + h]) * (pre > 0 ? 1 : 0);
          for (int i = 0; i < 4; i++) {
            expected[i] += (float) (g * w1[h * 4 + i]);
          }
        }
        for (int i = 0; i < 4; i++) {
          assertThat(got[s * 4 + i])
              .as("sample %d input %d", s, i)
              .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
      assertThat(a.forwardPassesPerSample()).isEqualTo(1.0);
      assertThat(a.backwardPassesPerSample()).isEqualTo(1.0);
    }
  }

  /**
   * The reference walks the children one by one, backwards: a vector-Jacobian product per child
   * (each in its own gradient collector), {@code relu(g) ⊙ 1[input > 0]} at each ReLU.
   */
  @Test
  void equalsAHandWrittenStageByStageReference() {
    SequentialBlock net = TinyNets.cnn(manager, true, 7);
    NDArray x = SeededNoise.standardNormal(manager, 107, new Shape(3, 3, 8, 8));
    int[] classes = {0, 3, 4};
    ParameterStore store = new ParameterStore(manager, false);
    try (BlockModel model = BlockModel.of(net, manager)) {
      NDArray guided = new GuidedBackprop().attribute(model, x, Target.perSample(classes)).values();

      List<Block> children = new ArrayList<>();
      net.getChildren().forEach(p -> children.add(p.getValue()));
      List<NDArray> inputs = new ArrayList<>();
      NDArray h = x;
      for (Block child : children) {
        inputs.add(h);
        h = child.forward(store, new NDList(h), false).singletonOrThrow();
      }
      NDArray g = manager.create(classes).oneHot(5).toType(h.getDataType(), false);
      int relus = 0;
      for (int i = children.size() - 1; i >= 0; i--) {
        NDArray in = inputs.get(i);
        if (children.get(i).toString().toLowerCase().contains("relu") || isRelu(children.get(i))) {
          relus++;
          assertThat(g.maximum(0f).mul(in.gt(0f).toType(g.getDataType(), false)).min().getFloat())
              .isGreaterThanOrEqualTo(0f);
          g = g.maximum(0f).mul(in.gt(0f).toType(g.getDataType(), false));
          continue;
        }
        NDArray leaf = in.duplicate();
        leaf.setRequiresGradient(true);
        try (GradientCollector c = manager.getEngine().newGradientCollector()) {
          NDArray y = children.get(i).forward(store, new NDList(leaf), false).singletonOrThrow();
          c.backward(y.mul(g).sum());
        }
        g = leaf.getGradient().duplicate();
      }
      assertThat(relus).isEqualTo(3);
      double err = guided.sub(g).abs().max().getFloat() / g.abs().max().getFloat();
      assertThat(err).isLessThan(1e-6);

      // it is not the plain gradient: the rule changed something
      NDArray plain =
          new Saliency()
              .attribute(
                  model,
                  x,
                  Target.perSample(classes),
                  new Saliency().options().defaults().with("abs", false))
              .values();
      assertThat(plain.sub(guided).abs().max().getFloat()).isGreaterThan(1e-3f);
    }
  }

  /** With a ReLU as first stage, what reaches the input passed a ReLU: ≥ 0, and 0 where x ≤ 0. */
  @Test
  void onlyPositiveGradientsPassAReLU() {
    SequentialBlock net = TinyNets.cnn(manager, true, 11, true);
    NDArray x = SeededNoise.standardNormal(manager, 108, new Shape(4, 3, 8, 8));
    try (BlockModel model = BlockModel.of(net, manager)) {
      NDArray a = new GuidedBackprop().attribute(model, x, Target.ofClass(2)).values();
      assertThat(a.min().getFloat()).isGreaterThanOrEqualTo(0f);
      assertThat(a.mul(x.lte(0f).toType(a.getDataType(), false)).abs().max().getFloat())
          .isEqualTo(0f);
      assertThat(a.max().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void refusesModelsWithoutStages() {
    try (ParityFixture f = new ParityFixture("plain")) {
      assertThatThrownBy(() -> new GuidedBackprop().attribute(f.model, f.x, Target.ofClass(0)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("stages")
          .hasMessageContaining("TorchScriptModel");
    }
  }

  private static boolean isRelu(Block b) {
    return b instanceof ai.djl.nn.LambdaBlock
        && ((ai.djl.nn.LambdaBlock) b).getName().equalsIgnoreCase("relu");
  }
}
