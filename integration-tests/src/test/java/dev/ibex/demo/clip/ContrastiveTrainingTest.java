package dev.ibex.demo.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.demo.FashionMnist;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contrastive training reaches the TorchScript parameters: the loss falls, retrieval beats chance.
 */
class ContrastiveTrainingTest {
  @TempDir Path tmp;

  @Test
  void trainingLowersTheLossAndBeatsChance() {
    NibConfig c = new NibConfig(1024, 128, 0.5, 3, 64, 3e-3f, 0.1f, 8, 2, 50, 10, 1, 3);
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
      assertThat(last).isLessThan(first * 0.8);
      Retrieval ret = r.last();
      assertThat(ret.imageToText()).isGreaterThan(2 * ret.chance());
      assertThat(ret.textToImage()).isGreaterThan(2 * ret.chance());
    }
  }
}
