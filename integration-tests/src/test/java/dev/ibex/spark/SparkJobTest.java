package dev.ibex.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import dev.ibex.api.io.Npy;
import dev.ibex.cli.Main;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in a real {@code local[2]} session against the CLI on the same inputs: the parity
 * CNN and its four 3x32x32 images, as PNGs (and as a {@code .npy} shard), explained with saliency
 * and Grad-CAM and scored with deletion and sparseness.
 */
class SparkJobTest {
  static final String[] METHODS = {"saliency", "grad-cam"};
  static final float MEAN = 0.5f;
  static final float STD = 0.25f;

  @TempDir static Path dir;
  static LocalSpark local;
  static Path model;
  static Path images;

  /** The images as the decoder must give them, for the CLI. */
  static Path decoded;

  /** The job's result on the images (and one corrupt file). */
  static Path out;

  static String jobOutput;

  @BeforeAll
  static void runTheJobOnPngs() throws Exception {
    model = copy("/parity/plain/model.pt");
    images = Files.createDirectories(dir.resolve("images"));
    decoded = dir.resolve("decoded.npy");
    writePngs(copy("/parity/plain/x.npy"));
    byte[] png = Files.readAllBytes(images.resolve("img-0.png"));
    Files.write(images.resolve("broken.png"), Arrays.copyOf(png, png.length / 3));
    local = new LocalSpark();
    int loadsBefore = ExecutorModels.loads();
    out = dir.resolve("out");
    Run run =
        job(
            "--input",
            images + "/*.png",
            "--model",
            model.toString(),
            "--layer",
            "conv3",
            "--method",
            "saliency,grad-cam",
            "--metric",
            "deletion,sparseness",
            "--metric-set",
            "deletion.steps=8",
            "--mean",
            Float.toString(MEAN),
            "--std",
            Float.toString(STD),
            "--batch",
            "2",
            "--out",
            out.toString());
    assertThat(run.code).as(run.err).isZero();
    jobOutput = run.out;
    // several tasks on two threads, one model: loaded once for the executor (here the test JVM)
    assertThat(ImageExplainer.readFiles(local.spark, images + "/*.png").rdd().getNumPartitions())
        .isGreaterThanOrEqualTo(2);
    assertThat(ExecutorModels.loads() - loadsBefore).isEqualTo(1);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  @Test
  void scoresAreTheClisForTheSameImages() throws Exception {
    List<Row> rows = scores(out);
    assertThat(rows).hasSize(10); // 5 files x 2 methods
    for (String method : METHODS) {
      Path cliMaps = cliExplain(method, decoded, dir.resolve("cli-" + method));
      double[] deletion = cliScores("deletion", cliMaps, decoded, "--set", "steps=8");
      double[] sparseness = cliScores("sparseness", cliMaps, decoded);
      int[] predicted = predicted();
      for (int i = 0; i < 4; i++) {
        Row r = row(rows, "img-" + i + ".png", method);
        assertThat(r.<String>getAs("error")).isNull();
        assertThat(r.<Integer>getAs("sample")).isZero();
        assertThat(r.<Integer>getAs("target")).isEqualTo(predicted[i]);
        assertThat(r.<Double>getAs("deletion")).isCloseTo(deletion[i], within(1e-6));
        assertThat(r.<Double>getAs("sparseness")).isCloseTo(sparseness[i], within(1e-6));
        assertThat(r.<Double>getAs("forward_passes")).isEqualTo(1.0);
        assertThat(r.<Double>getAs("backward_passes")).isEqualTo(1.0);
      }
    }
    assertThat(jobOutput)
        .startsWith("5 samples x 2 methods: 10 rows, 2 with an error, in ")
        .contains("wrote " + out.resolve("scores.parquet") + " and maps in " + out.resolve("maps"));
  }

  @Test
  void mapsAreTheClisToFloatRoundingWhereTheBatchesDiffer() throws Exception {
    // the job explained batches of 2, the CLI one batch of 4: libtorch's float32 kernels round
    // differently per batch size (by a few units in the last place)
    List<Row> rows = scores(out);
    for (String method : METHODS) {
      Path cli = dir.resolve("cli-maps-" + method);
      Path cliNpy = cliExplain(method, decoded, cli);
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray all = Npy.read(cliNpy, m);
        for (int i = 0; i < 4; i++) {
          Row r = row(rows, "img-" + i + ".png", method);
          Path npy = Path.of(r.<String>getAs("map_npy"));
          assertThat(npy.getParent()).isEqualTo(out.resolve("maps").resolve(method));
          assertThat(npy.getFileName().toString()).matches("img-" + i + "-[0-9a-f]{8}\\.npy");
          NDArray map = Npy.read(npy, m);
          NDArray expected = all.get(i);
          assertThat(map.getShape()).isEqualTo(expected.getShape());
          float scale = expected.abs().max().getFloat();
          assertThat(map.sub(expected).abs().max().getFloat())
              .as(method + " " + i)
              .isLessThanOrEqualTo(1e-5f * scale);
          int[] png = pixels(Path.of(r.<String>getAs("map_png")));
          int[] cliPng = pixels(cli.resolve(method + "-" + i + ".png"));
          assertThat(png).hasSameSizeAs(cliPng);
          for (int p = 0; p < png.length; p++) {
            assertThat(Math.abs(png[p] - cliPng[p]))
                .as(method + " heatmap " + i)
                .isLessThanOrEqualTo(1);
          }
        }
      }
    }
    try (var files = Files.walk(out.resolve("maps"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .hasSize(16) // 4 images x 2 methods x (png, npy); no temporary left over
          .noneMatch(name -> name.startsWith("."));
    }
  }

  @Test
  void batchForBatchTheMapsAreTheClisBitForBit() throws Exception {
    Path exact = dir.resolve("out-exact");
    Run run =
        job(
            "--input",
            images + "/img-*.png",
            "--model",
            model.toString(),
            "--layer",
            "conv3",
            "--method",
            "saliency,grad-cam",
            "--mean",
            Float.toString(MEAN),
            "--std",
            Float.toString(STD),
            "--batch",
            "1",
            "--out",
            exact.toString());
    assertThat(run.code).as(run.err).isZero();
    List<Row> rows = scores(exact);
    assertThat(rows).hasSize(8);
    for (String method : METHODS) {
      for (int i = 0; i < 4; i++) {
        Path cli = dir.resolve("cli-alone-" + method + "-" + i);
        Path cliNpy = cliExplain(method, decodedAlone(i), cli);
        Row r = row(rows, "img-" + i + ".png", method);
        try (NDManager m = NDManager.newBaseManager()) {
          assertThat(Npy.read(Path.of(r.<String>getAs("map_npy")), m).toFloatArray())
              .as(method + " " + i)
              .containsExactly(Npy.read(cliNpy, m).get(0).toFloatArray());
        }
        assertThat(Files.readAllBytes(Path.of(r.<String>getAs("map_png"))))
            .as(method + " heatmap " + i)
            .isEqualTo(Files.readAllBytes(cli.resolve(method + "-0.png")));
      }
    }
  }

  @Test
  void aCorruptImageIsARowWithItsErrorNotAFailedJob() throws Exception {
    List<Row> rows = scores(out);
    for (String method : METHODS) {
      Row r = row(rows, "broken.png", method);
      assertThat(r.<String>getAs("error"))
          .startsWith("cannot decode image " + r.<String>getAs("path") + ": ");
      assertThat(r.<Object>getAs("deletion")).isNull();
      assertThat(r.<Object>getAs("target")).isNull();
      assertThat(r.<Object>getAs("map_png")).isNull();
    }
    assertThat(rows.stream().filter(r -> r.getAs("error") == null)).hasSize(8);
  }

  @Test
  void aMissingModelFailsOnTheDriverBeforeAnyTaskWithOneLine() throws Exception {
    local.startedSinceLastCall(); // what other tests started
    Path missing = dir.resolve("no-such-model.pt");
    Run run =
        job(
            "--input",
            images + "/*.png",
            "--model",
            missing.toString(),
            "--method",
            "saliency",
            "--out",
            dir.resolve("never").toString());
    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).isEqualTo("ibex-spark: model file not found: " + missing + "\n");
    assertThat(local.startedSinceLastCall()).isEmpty();
    assertThat(dir.resolve("never")).doesNotExist();
  }

  @Test
  void aShardSampleTheModelRefusesIsAnErrorRowItsBatchMatesAreExplainedAlone() throws Exception {
    // the four images as one .npy shard, sample 2 with a NaN: its batch of four fails, so each
    // sample is explained alone
    Path shards = Files.createDirectories(dir.resolve("shards"));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = Npy.read(decoded, m);
      x.set(new ai.djl.ndarray.index.NDIndex("2, 0, 5, 5"), Float.NaN);
      Npy.write(x, shards.resolve("part-0.npy"));
    }
    ImageExplainer explainer =
        ImageExplainer.builder(model.toString())
            .method("saliency", Map.of())
            .metric("sparseness", Map.of())
            .batchSize(4)
            .keepAttributions(true)
            .build();
    List<Row> rows =
        explainer
            .transform(ImageExplainer.readFiles(local.spark, shards.toString()))
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.<Integer>getAs("sample"))
        .containsExactlyInAnyOrder(0, 1, 2, 3);
    for (Row r : rows) {
      int i = r.getAs("sample");
      if (i == 2) {
        assertThat(r.<String>getAs("error")).isEqualTo("input contains 1 NaN value(s)");
        assertThat(r.<Object>getAs("attribution")).isNull();
        continue;
      }
      // explained alone, as the CLI explains that sample alone
      Path cli = cliExplain("saliency", decodedAlone(i), dir.resolve("cli-shard-" + i));
      double[] sparseness = cliScores("sparseness", cli, decodedAlone(i));
      assertThat(r.<String>getAs("error")).isNull();
      assertThat(r.<Double>getAs("sparseness")).isCloseTo(sparseness[0], within(1e-6));
      assertThat(r.<Object>getAs("map_npy")).isNull(); // no maps asked for
      try (NDManager m = NDManager.newBaseManager()) {
        assertThat(floats(r.getList(r.fieldIndex("attribution"))))
            .containsExactly(Npy.read(cli, m).get(0).toFloatArray());
      }
      assertThat(r.getList(r.fieldIndex("attribution_shape"))).containsExactly(3, 32, 32);
    }
  }

  // --- the job, the CLI, the fixtures

  record Run(int code, String out, String err) {}

  static Run job(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code;
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      code = ExplainJob.run(args, local.spark, po, pe);
    }
    return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  static void cli(String... args) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try (PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8);
        PrintStream po =
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
      assertThat(Main.run(args, po, pe)).as(e.toString(StandardCharsets.UTF_8)).isZero();
    }
  }

  /** {@code ibex explain} with heatmaps in {@code png}; returns its .npy. */
  static Path cliExplain(String method, Path input, Path png) {
    Path npy = png.resolveSibling(png.getFileName() + ".npy");
    List<String> args =
        new ArrayList<>(
            List.of(
                "explain",
                "--model",
                model.toString(),
                "--input",
                input.toString(),
                "--method",
                method,
                "--out",
                npy.toString(),
                "--png",
                png.toString()));
    if (method.equals("grad-cam")) {
      args.addAll(List.of("--layer", "conv3"));
    }
    cli(args.toArray(String[]::new));
    return npy;
  }

  /** {@code ibex evaluate} of the maps on the decoded images: the per-sample scores. */
  static double[] cliScores(String metric, Path maps, Path input, String... settings)
      throws IOException {
    Path json = maps.resolveSibling(maps.getFileName() + "." + metric + ".json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "evaluate",
                "--metric",
                metric,
                "--model",
                model.toString(),
                "--input",
                input.toString(),
                "--attributions",
                maps.toString(),
                "--json",
                json.toString()));
    args.addAll(List.of(settings));
    cli(args.toArray(String[]::new));
    var per =
        JsonParser.parseString(Files.readString(json))
            .getAsJsonObject()
            .getAsJsonArray("perSample");
    double[] v = new double[per.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = per.get(i).getAsDouble();
    }
    return v;
  }

  /** Decoded image {@code i} alone, as a batch of one. */
  static Path decodedAlone(int i) throws IOException {
    Path file = dir.resolve("decoded-" + i + ".npy");
    if (!Files.exists(file)) {
      try (NDManager m = NDManager.newBaseManager()) {
        Npy.write(Npy.read(decoded, m).get(i).expandDims(0), file);
      }
    }
    return file;
  }

  /** A PNG's 8-bit channels, row by row. */
  static int[] pixels(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    int[] channels = new int[argb.length * 3];
    for (int p = 0; p < argb.length; p++) {
      channels[3 * p] = (argb[p] >> 16) & 0xff;
      channels[3 * p + 1] = (argb[p] >> 8) & 0xff;
      channels[3 * p + 2] = argb[p] & 0xff;
    }
    return channels;
  }

  /** The classes the model predicts for the decoded images. */
  static int[] predicted() throws IOException {
    try (var m = dev.ibex.api.model.TorchScriptModel.load(model, ai.djl.Device.cpu(), List.of());
        NDManager scope = m.manager().newSubManager()) {
      NDArray x = Npy.read(decoded, scope);
      return m.forward(x).argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
    }
  }

  static List<Row> scores(Path job) {
    return local
        .spark
        .read()
        .parquet(job.resolve("scores.parquet").toUri().toString())
        .collectAsList();
  }

  static Row row(List<Row> rows, String file, String method) {
    List<Row> found =
        rows.stream()
            .filter(r -> r.<String>getAs("path").endsWith("/" + file))
            .filter(r -> r.<String>getAs("method").equals(method))
            .collect(Collectors.toList());
    assertThat(found).as(file + " " + method).hasSize(1);
    return found.get(0);
  }

  static float[] floats(List<Object> values) {
    float[] f = new float[values.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (Float) values.get(i);
    }
    return f;
  }

  static Path copy(String resource) throws IOException {
    Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    try (InputStream in = SparkJobTest.class.getResourceAsStream(resource)) {
      Files.copy(in, target);
    }
    return target;
  }

  /**
   * The parity images as 8-bit RGB PNGs (min-max scaled over the batch), and the float input the
   * decoder must make of them: {@code (q / 255 - MEAN) / STD} per 8-bit value q.
   */
  static void writePngs(Path x) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(x, m);
      float[] v = a.toFloatArray();
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (float f : v) {
        lo = Math.min(lo, f);
        hi = Math.max(hi, f);
      }
      int plane = 32 * 32;
      float[] expected = new float[v.length];
      for (int i = 0; i < 4; i++) {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < plane; p++) {
          int rgb = 0;
          for (int c = 0; c < 3; c++) {
            int at = (i * 3 + c) * plane + p;
            int q = Math.round((v[at] - lo) / (hi - lo) * 255f);
            expected[at] = (q / 255f - MEAN) / STD;
            rgb = (rgb << 8) | q;
          }
          image.setRGB(p % 32, p / 32, rgb);
        }
        ImageIO.write(image, "png", images.resolve("img-" + i + ".png").toFile());
      }
      Npy.write(m.create(expected, new Shape(4, 3, 32, 32)), decoded);
    }
  }
}
