package dev.ibex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.cli.ProgressPrinter;
import dev.ibex.training.engine.EpochReport;
import dev.ibex.training.engine.LearningRateSchedule;
import dev.ibex.training.engine.Trainer;
import dev.ibex.training.engine.TrainerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short real training runs on Fashion-MNIST (plain, s-ib, aib), reproducibility, checkpoints. */
class TrainerTest {
  private static LabeledImages train;
  private static LabeledImages test;
  private static final Plugins PLUGINS = Plugins.discover(TrainerTest.class.getClassLoader());

  @BeforeAll
  static void load() {
    train = FashionMnist.load(FashionMnist.DEFAULT_DIR, true, 4000);
    test = FashionMnist.load(FashionMnist.DEFAULT_DIR, false, 500);
  }

  private record Run(List<EpochReport> reports, double testAccuracy, String log) {}

  private Run run(
      String regularizer,
      Map<String, String> options,
      int epochs,
      int batches,
      Path checkpoints,
      boolean resume) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (NDManager m = NDManager.newBaseManager()) {
      TrainerBuilder b =
          Trainer.builder(SmallCnn.create(10, 8), m)
              .epochs(epochs)
              .batchSize(32)
              .maxBatchesPerEpoch(batches)
              .learningRate(3e-3f)
              .seed(7)
              .schedule(LearningRateSchedule.COSINE)
              .listener(new ProgressPrinter(new PrintStream(log, true), 10))
              .checkpoints(checkpoints)
              .resume(resume);
      if (regularizer != null) {
        b.regularizer(PLUGINS, regularizer, options);
      }
      try (Trainer t = b.build()) {
        List<EpochReport> r = t.fit(train, null);
        double acc = t.evaluate(test).accuracy();
        System.out.printf(
            "%s: %s test-acc=%.3f%n",
            regularizer == null ? "plain" : regularizer,
            r.isEmpty() ? "-" : r.get(r.size() - 1).line(),
            acc);
        return new Run(r, acc, log.toString());
      }
    }
  }

  private static void assertLearns(Run run) {
    double first = run.reports.get(0).terms().get("ce");
    double last = run.reports.get(run.reports.size() - 1).terms().get("ce");
    assertThat(last).as("cross-entropy falls").isLessThan(first);
    assertThat(first).as("starts near ln 10").isGreaterThan(1.0);
    assertThat(run.testAccuracy).as("test accuracy above chance (0.1)").isGreaterThan(0.4);
  }

  @Test
  void plainTrainingLearnsAndIsReproducible() {
    Run a = run(null, Map.of(), 2, 60, null, false);
    assertLearns(a);
    assertThat(a.log).contains("epoch 1 batch 10/60").contains("train-acc=");
    Run b = run(null, Map.of(), 2, 60, null, false);
    assertThat(b.reports.get(1).terms()).isEqualTo(a.reports.get(1).terms());
    assertThat(b.testAccuracy).isEqualTo(a.testAccuracy);
  }

  @Test
  void aibTrains() {
    Run r = run("aib", Map.of("latent", "64"), 2, 60, null, false);
    assertLearns(r);
    assertThat(r.reports.get(0).terms()).containsKeys("aib", "aib/kl", "aib/vq", "aib/commit");
  }

  @Test
  void sibTrains() {
    Run r = run("s-ib", Map.of(), 2, 60, null, false);
    assertLearns(r);
    assertThat(r.reports.get(0).terms()).containsKeys("s-ib", "s-ib/hsic", "s-ib/bg-var");
  }

  @Test
  void checkpointsAndResumes(@TempDir Path dir) {
    Run first = run("aib", Map.of("latent", "16"), 1, 5, dir, false);
    assertThat(dir.resolve("model-0001.params")).exists();
    assertThat(dir.resolve("checkpoint.properties")).exists();
    Run resumed = run("aib", Map.of("latent", "16"), 2, 5, dir, true);
    assertThat(resumed.log).contains("resumed from model-0001.params after epoch 1");
    assertThat(resumed.reports).hasSize(1);
    assertThat(resumed.reports.get(0).epoch()).isEqualTo(2);
    assertThat(Files.exists(dir.resolve("model-0002.params"))).isTrue();
    assertThat(first.reports.get(0).epoch()).isEqualTo(1);
  }
}
