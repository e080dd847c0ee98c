package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.demo.SmallCnn;
import dev.ibex.training.engine.LabeledData;
import dev.ibex.training.engine.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One loaded model serves several threads at once: gradient scopes record per thread, passes are
 * counted per thread, and every result equals, bit for bit, the same call on one thread.
 */
class ConcurrentAttributionTest {
  private static final Plugins PLUGINS =
      Plugins.discover(ConcurrentAttributionTest.class.getClassLoader());
  private static final int THREADS = 4;
  private static final int CALLS = 25;

  @TempDir static Path dir;
  static TorchScriptModel cnn;
  static TorchScriptModel imageTower;

  /** One method on one model and input, with what one thread computes alone. */
  private record Job(
      String method,
      ExplainableModel model,
      Path input,
      Function<NDManager, Target> target,
      Map<String, Object> options) {
    /** Runs once: the values, then this call's forward and backward passes. */
    float[] run(NDManager m) {
      Attributor a = PLUGINS.attributor(method);
      Options o = a.options().bind(options);
      NDArray x = read(input, m);
      Attribution r = a.attribute(model, x, target.apply(m), o);
      // the values, then this call's own passes: other threads' passes on the model are not its
      float[] v = r.values().toType(DataType.FLOAT32, false).toFloatArray();
      float[] withPasses = java.util.Arrays.copyOf(v, v.length + 2);
      withPasses[v.length] = r.forwardPasses();
      withPasses[v.length + 1] = r.backwardPasses();
      return withPasses;
    }
  }

  @BeforeAll
  static void load() throws Exception {
    cnn =
        TorchScriptModel.load(
            Fixtures.copy("/parity/plain/model.pt", dir), Device.cpu(), List.of("conv3"));
    imageTower =
        TorchScriptModel.builder(Fixtures.copy("/parity/clip/clip.pt", dir))
            .device(Device.cpu())
            .forwardMethod("encode_image")
            .layers(List.of("image_2"))
            .load();
  }

  @AfterAll
  static void close() {
    cnn.close();
    imageTower.close();
  }

  private static List<Job> jobs() throws Exception {
    Path x = Fixtures.copy("/parity/plain/x.npy", dir);
    Path pixels = Fixtures.copy("/parity/clip/pixels.npy", dir);
    Path text = Fixtures.copy("/parity/clip/text_embeddings.npy", dir);
    Function<NDManager, Target> cosine = m -> Target.cosineSimilarity(read(text, m));
    return List.of(
        new Job("saliency", cnn, x, m -> Target.ofClass(3), Map.of()),
        new Job(
            "integrated-gradients",
            cnn,
            x,
            m -> Target.predicted(),
            Map.of("steps", 16, "internal-batch-size", 24)),
        new Job("grad-cam", cnn, x, m -> Target.ofClass(1), Map.of("layer", "conv3")),
        new Job("nib", imageTower, pixels, cosine, Map.of("layer", "image_2")),
        new Job("m2ib", imageTower, pixels, cosine, Map.of("layer", "image_2", "steps", 4)));
  }

  @Test
  void fourThreadsOnOneModelGiveTheSingleThreadResultsBitForBit() throws Exception {
    List<Job> jobs = jobs();
    Map<String, float[]> alone = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (Job j : jobs) {
        // TorchScript's profiling executor optimises a method's graph after its first runs, which
        // can change float32 rounding once: the reference is a warm call
        for (int warm = 0; warm < 3; warm++) {
          try (NDManager scratch = m.newSubManager()) {
            j.run(scratch);
          }
        }
        alone.put(j.method(), j.run(m));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t;
        done.add(
            pool.submit(
                () -> {
                  int checked = 0;
                  try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                    for (int call = 0; call < CALLS; call++) {
                      Job j =
                          jobs.get((call + offset) % jobs.size()); // the threads mix the methods
                      try (NDManager scratch = m.newSubManager()) {
                        assertThat(j.run(scratch))
                            .as("%s, thread %d, call %d", j.method(), offset, call)
                            .containsExactly(alone.get(j.method()));
                      }
                      checked++;
                    }
                  }
                  return checked;
                }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get(10, TimeUnit.MINUTES)).isEqualTo(CALLS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTrainingStepRunsOnOneThreadWhileAnotherAttributes() throws Exception {
    Job saliency = jobs().get(0);
    float[] expected;
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      expected = saliency.run(m);
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (NDManager trainManager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Future<Double> training =
          pool.submit(
              () -> {
                try (Trainer trainer =
                    Trainer.builder(SmallCnn.create(10, 4), trainManager)
                        .epochs(1)
                        .batchSize(16)
                        .learningRate(3e-3f)
                        .seed(3)
                        .build()) {
                  return trainer.fit(randomImages(64), null).get(0).terms().get("ce");
                }
              });
      Future<Integer> attributing =
          pool.submit(
              () -> {
                try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                  for (int i = 0; i < 20; i++) {
                    try (NDManager scratch = m.newSubManager()) {
                      assertThat(saliency.run(scratch)).containsExactly(expected);
                    }
                  }
                }
                return 20;
              });
      assertThat(training.get(10, TimeUnit.MINUTES)).isFinite();
      assertThat(attributing.get(10, TimeUnit.MINUTES)).isEqualTo(20);
    } finally {
      pool.shutdownNow();
    }
  }

  private static NDArray read(Path file, NDManager m) {
    try {
      return Npy.read(file, m);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** 64 seeded random 56x56 images with random labels, as a trainer's data. */
  private static LabeledData randomImages(int n) {
    java.util.Random r = new java.util.Random(5);
    float[] pixels = new float[n * 56 * 56];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = r.nextFloat();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(10);
    }
    return new LabeledData() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public Shape imageShape() {
        return new Shape(1, 56, 56);
      }

      @Override
      public NDArray images(NDManager m, int[] idx) {
        float[] out = new float[idx.length * 56 * 56];
        for (int k = 0; k < idx.length; k++) {
          System.arraycopy(pixels, idx[k] * 56 * 56, out, k * 56 * 56, 56 * 56);
        }
        return m.create(out, new Shape(idx.length, 1, 56, 56));
      }

      @Override
      public NDArray labels(NDManager m, int[] idx) {
        long[] out = new long[idx.length];
        for (int k = 0; k < idx.length; k++) {
          out[k] = labels[idx[k]];
        }
        return m.create(out);
      }
    };
  }
}
