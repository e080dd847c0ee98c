package dev.ibex.training.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ibex.training.fixtures.RandomImages;
import dev.ibex.training.fixtures.TestCnn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events a trainer reports, their order and their numbers, on a tiny model and random data. */
class TrainerListenerTest {
  private static final RandomImages TRAIN = new RandomImages(14, 8, 3, 1);
  private static final RandomImages VALID = new RandomImages(5, 8, 3, 2);

  /** Records every event, in order. */
  private static final class Recorder implements TrainingListener {
    final List<Object> events = new ArrayList<>();

    @Override
    public void onResume(Checkpoint checkpoint) {
      events.add(checkpoint);
    }

    @Override
    public void onBatch(BatchReport batch) {
      events.add(batch);
    }

    @Override
    public void onEvaluation(Evaluation evaluation) {
      events.add(evaluation);
    }

    @Override
    public void onEpoch(EpochReport epoch) {
      events.add(epoch);
    }

    @Override
    public void onCheckpoint(Checkpoint checkpoint) {
      events.add(checkpoint);
    }
  }

  private static List<EpochReport> fit(
      NDManager manager, int epochs, Path dir, boolean resume, Recorder... listeners) {
    TrainerBuilder b =
        Trainer.builder(TestCnn.create(3, 2), manager)
            .epochs(epochs)
            .batchSize(4)
            .learningRate(1e-2f)
            .seed(3)
            .checkpoints(dir)
            .resume(resume);
    for (Recorder r : listeners) {
      b.listener(r);
    }
    try (Trainer t = b.build()) {
      List<EpochReport> reports = t.fit(TRAIN, VALID);
      Evaluation test = t.evaluate(VALID);
      assertThat(test.images()).isEqualTo(VALID.size());
      return reports;
    }
  }

  @Test
  void reportsBatchesEvaluationsEpochsAndCheckpointsInOrder(@TempDir Path dir) {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    List<EpochReport> reports;
    try (NDManager manager = NDManager.newBaseManager()) {
      reports = fit(manager, 2, dir, false, first, second);
    }
    assertThat(second.events).as("every listener sees every event").isEqualTo(first.events);
    List<Object> e = first.events;
    // 14 images in batches of 4: 3 batches an epoch; per epoch: batches, validation,
    // epoch, checkpoint
    assertThat(e).hasSize(2 * (3 + 3) + 1);
    for (int epoch = 1; epoch <= 2; epoch++) {
      int at = (epoch - 1) * 6;
      double ceSum = 0;
      for (int b = 1; b <= 3; b++) {
        BatchReport batch = (BatchReport) e.get(at + b - 1);
        assertThat(batch.epoch()).isEqualTo(epoch);
        assertThat(batch.batch()).isEqualTo(b);
        assertThat(batch.batches()).isEqualTo(3);
        assertThat(batch.terms().keySet()).containsExactly("ce", "loss");
        assertThat(batch.accuracy()).isBetween(0.0, 1.0);
        ceSum += batch.terms().get("ce");
      }
      Evaluation validation = (Evaluation) e.get(at + 3);
      EpochReport report = (EpochReport) e.get(at + 4);
      Checkpoint saved = (Checkpoint) e.get(at + 5);
      assertThat(report).isEqualTo(reports.get(epoch - 1));
      assertThat(report.terms().get("ce"))
          .isCloseTo(ceSum / 3, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(report.validAccuracy()).isEqualTo(validation.accuracy());
      assertThat(report.validLoss()).isEqualTo(validation.crossEntropy());
      assertThat(validation.images()).isEqualTo(VALID.size());
      assertThat(saved.epoch()).isEqualTo(epoch);
      assertThat(saved.updates()).isEqualTo(3 * epoch);
      assertThat(saved.params()).isEqualTo(dir.resolve(String.format("model-%04d.params", epoch)));
      assertThat(Files.exists(saved.params())).isTrue();
    }
    assertThat(e.get(e.size() - 1)).as("the explicit evaluate").isInstanceOf(Evaluation.class);
  }

  @Test
  void aResumedRunReportsTheCheckpointFirst(@TempDir Path dir) {
    Recorder resumed = new Recorder();
    try (NDManager manager = NDManager.newBaseManager()) {
      fit(manager, 1, dir, false);
      fit(manager, 2, dir, true, resumed);
    }
    Checkpoint from = (Checkpoint) resumed.events.get(0);
    assertThat(from.params()).isEqualTo(dir.resolve("model-0001.params"));
    assertThat(from.epoch()).isEqualTo(1);
    assertThat(from.updates()).isEqualTo(3);
    assertThat(((BatchReport) resumed.events.get(1)).epoch()).isEqualTo(2);
  }
}
