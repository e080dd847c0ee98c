package dev.ibex.demo.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.ibex.demo.FashionMnist;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contrastive training reaches the TorchScript parameters: the loss falls, retrieval beats chance.
 */
@ExtendWith(OneTorchThread.class)
class ContrastiveTrainingTest {
  @TempDir Path tmp;

  @Test
  void gradientsReachEveryScriptedParameter() {
    CaptionedScenes.Set pairs =
        CaptionedScenes.of(FashionMnist.load(FashionMnist.DEFAULT_DIR, true, 8), 0.5, 1);
    int[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
    try (ClipDemoModel m = ClipDemoModel.untrained(tmp);
        NDManager sub = m.parameters().get(0).getValue().getManager().newSubManager();
        GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray img = m.encodeImage(pairs.images(sub, rows));
      NDArray txt = m.encodeText(pairs.captions(sub, rows));
      gc.backward(img.matMul(txt.transpose()).logSoftmax(1).mean().neg());
      List<String> without = new ArrayList<>();
      for (Pair<String, NDArray> p : m.parameters()) {
        if (p.getValue().getGradient().abs().sum().getFloat() == 0f) {
          without.add(p.getKey());
        }
      }
      // the causal mask is a buffer, not a parameter: every parameter takes part in the loss
      assertThat(without).isEmpty();
      assertThat(m.parameters()).hasSizeGreaterThan(50);
    }
  }

  @Test
  void trainingLowersTheLossAndBeatsChance() {
    NibConfig c = NibConfig.quick(3);
    CaptionedScenes.Set train =
        CaptionedScenes.of(
            FashionMnist.load(FashionMnist.DEFAULT_DIR, true, c.trainPairs()), 0.5, 1);
    CaptionedScenes.Set test =
        CaptionedScenes.of(
            FashionMnist.load(FashionMnist.DEFAULT_DIR, false, c.heldOutPairs()), 0.5, 2);
    try (ClipDemoModel m = ClipDemoModel.untrained(tmp)) {
      ContrastiveTraining.Result r =
          new ContrastiveTraining(m, c, System.out::println).fit(train, test);
      double first = r.batchLosses().get(0);
      double last = r.curve().get(r.curve().size() - 1).loss();
      assertThat(last).isLessThan(first * 0.9);
      Retrieval ret = r.last();
      assertThat(ret.imageToText()).isGreaterThan(ret.chance());
      assertThat(ret.textToImage()).isGreaterThan(ret.chance());
      assertThat((ret.imageToText() + ret.textToImage()) / 2).isGreaterThan(2 * ret.chance());
    }
  }
}
