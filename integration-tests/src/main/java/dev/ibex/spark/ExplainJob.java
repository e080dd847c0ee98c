package dev.ibex.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import dev.ibex.api.IbexException;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.io.AtomicFiles;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The Spark job: {@code spark-submit --class dev.ibex.spark.ExplainJob ibex.jar --input … --model …
 * --method … --out DIR} explains every input file with an {@link ImageExplainer} and writes {@code
 * DIR/scores.parquet} and the maps in {@code DIR/maps/METHOD/}. Run without {@code spark-submit}
 * (plain {@code java -cp}), it runs in {@code local[*]}.
 *
 * <p>Exit codes as the CLI's: 0 success; 2 bad usage or input, with one line on stderr (a missing
 * model, an unknown method, an existing result without {@code --overwrite}, no input files, every
 * sample failed); 1 an internal error. Samples that failed while others did not are rows with their
 * error; the job counts them and succeeds.
 */
public final class ExplainJob {
  private static final String ISA = "ONEDNN_MAX_CPU_ISA";

  private ExplainJob() {}

  /**
   * Entry point for {@code spark-submit}.
   *
   * @param args the command line (see {@code --help})
   */
  public static void main(String[] args) {
    int code = run(args, null, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the job.
   *
   * @param args the command line
   * @param session the session to use, or {@code null} to start one (and stop it at the end)
   * @param out where the summary goes
   * @param err where a failure's one line goes
   * @return the exit code
   */
  public static int run(String[] args, SparkSession session, PrintStream out, PrintStream err) {
    JobOptions o = new JobOptions();
    CommandLine cli = new CommandLine(o);
    try {
      cli.parseArgs(args);
    } catch (ParameterException e) {
      err.println("ibex-spark: " + firstLine(e) + " (--help shows the usage)");
      return 2;
    }
    if (cli.isUsageHelpRequested()) {
      cli.usage(out);
      return 0;
    }
    SparkSession spark = session;
    try {
      Path dir = outputDirectory(o.out);
      Path scores = dir.resolve("scores.parquet");
      if (Files.exists(scores) && !o.overwrite) {
        throw new InvalidInputException(scores + " exists; give --overwrite to replace it");
      }
      ImageExplainer explainer = explainer(o, dir.resolve("maps"));
      if (spark == null) {
        spark = newSession();
      }
      // the model and plugins, on the driver: before listing the input, which can start tasks
      explainer.check();
      Dataset<Row> files = ImageExplainer.readFiles(spark, o.inputs.toArray(String[]::new));
      if (o.partitions != null) {
        files = files.repartition(o.partitions);
      }
      Dataset<Row> rows = explainer.transform(files);
      long start = System.nanoTime();
      rows.write()
          .mode(o.overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
          .parquet(scores.toUri().toString());
      double seconds = (System.nanoTime() - start) / 1e9;
      return summarise(spark, scores, seconds, o, out);
    } catch (Exception e) {
      Throwable reason = userError(e);
      if (reason != null) {
        err.println("ibex-spark: " + firstLine(reason));
        return 2;
      }
      err.println("ibex-spark: internal error: " + firstLine(e));
      e.printStackTrace(err);
      return 1;
    } finally {
      if (session == null && spark != null) {
        spark.stop();
      }
    }
  }

  /** The options as an explainer; bad values fail here, before Spark starts. */
  private static ImageExplainer explainer(JobOptions o, Path maps) {
    Ibex ibex = ExecutorModels.ibex();
    Map<String, Map<String, String>> methods =
        NamedSettings.of("--set", o.methods, o.methodSettings);
    if (o.layer != null) {
      boolean taken = false;
      for (String m : o.methods) {
        boolean takesLayer =
            ibex.plugins().attributor(m).options().specs().stream()
                .anyMatch(s -> s.name().equals("layer"));
        if (takesLayer) {
          methods.get(m).putIfAbsent("layer", o.layer);
          taken = true;
        }
      }
      if (!taken) {
        throw new InvalidInputException("--layer: no method of " + o.methods + " takes a layer");
      }
    }
    if (o.metrics.isEmpty() && !o.metricSettings.isEmpty()) {
      throw new InvalidInputException("--metric-set without --metric");
    }
    Map<String, Map<String, String>> metrics =
        NamedSettings.of("--metric-set", o.metrics, o.metricSettings);
    int[] size = size(o.size);
    ImageExplainer.Builder b =
        ImageExplainer.builder(o.model)
            .entry(o.entry)
            .tailTakesInput(o.tailTakesInput)
            .output(o.output)
            .layers(o.layer == null ? new String[0] : new String[] {o.layer})
            .device(o.device)
            .batchSize(o.batch)
            .decoder(ImageDecoder.of(o.channels, size[0], size[1], o.mean, o.std))
            .keepAttributions(o.keepAttributions);
    if (o.target != null) {
      b.targetClass(o.target);
    }
    methods.forEach(b::method);
    metrics.forEach(b::metric);
    Set<String> kinds = Set.copyOf(o.maps);
    if (!Set.of("png", "npy").containsAll(kinds) && !kinds.equals(Set.of("none"))) {
      throw new InvalidInputException("--maps takes png, npy, png,npy or none; got " + o.maps);
    }
    b.maps(maps, kinds.contains("png"), kinds.contains("npy"));
    ImageExplainer explainer = b.build();
    explainer.pipelines(ibex); // unknown plugins and options: now, before Spark starts
    return explainer;
  }

  /** The output directory as a local path: maps are written by the executors with java.nio. */
  private static Path outputDirectory(String out) {
    if (out.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") && !out.startsWith("file://")) {
      throw new InvalidInputException(
          "--out "
              + out
              + ": give a directory every executor can write at the same path (local, or"
              + " shared storage mounted there); the maps are written with java.nio, not Hadoop");
    }
    Path p = out.startsWith("file://") ? Path.of(java.net.URI.create(out)) : Path.of(out);
    return p.toAbsolutePath().normalize();
  }

  private static int[] size(String hw) {
    if (hw == null) {
      return new int[] {0, 0};
    }
    String[] parts = hw.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int h = Integer.parseInt(parts[0].trim());
        int w = Integer.parseInt(parts[1].trim());
        if (h > 0 && w > 0) {
          return new int[] {h, w};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException("--size " + hw + ": expected HxW, e.g. 224x224");
  }

  private static SparkSession newSession() {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName("ibex explain");
    if (!conf.contains("spark.master")) {
      b.master("local[*]");
    }
    // oneDNN reads it when the executor JVM starts: hand the driver's setting on to executors
    String isa = System.getenv(ISA);
    if (isa != null && !conf.contains("spark.executorEnv." + ISA)) {
      b.config("spark.executorEnv." + ISA, isa);
    }
    return b.getOrCreate();
  }

  /** Counts what was written; exit 2 when nothing was explained. */
  private static int summarise(
      SparkSession spark, Path scores, double seconds, JobOptions o, PrintStream out) {
    Dataset<Row> written = spark.read().parquet(scores.toUri().toString());
    Row c =
        written
            .agg(count(lit(1)), count(col("error")), countDistinct(col("path"), col("sample")))
            .first();
    long rows = c.getLong(0);
    long errors = c.getLong(1);
    long samples = c.getLong(2);
    if (rows == 0) {
      throw new InvalidInputException("no input files in " + String.join(", ", o.inputs));
    }
    Map<String, String> examples = new LinkedHashMap<>();
    for (Row r :
        written.where(col("error").isNotNull()).select("path", "error").limit(3).collectAsList()) {
      examples.put(r.getString(0), r.getString(1));
    }
    if (errors == rows) {
      var first = examples.entrySet().iterator().next();
      throw new InvalidInputException(
          "every sample failed, e.g. " + first.getKey() + ": " + first.getValue());
    }
    out.printf(
        Locale.ROOT,
        "%d samples x %d method%s: %d rows, %d with an error, in %.1f s (%.2f samples/s)%n",
        samples,
        o.methods.size(),
        o.methods.size() == 1 ? "" : "s",
        rows,
        errors,
        seconds,
        samples / seconds);
    examples.forEach((path, error) -> out.println("  error: " + path + ": " + error));
    out.println(
        "wrote "
            + scores
            + (o.maps.contains("none") ? "" : " and maps in " + scores.resolveSibling("maps")));
    return 0;
  }

  /** The user's mistake behind a failure, if it is one: ibex's, Spark's analysis, a write. */
  private static Throwable userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IbexException
          || t instanceof AnalysisException
          || t instanceof AtomicFiles.WriteException) {
        return t;
      }
    }
    return null;
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.lines().findFirst().orElse("").trim();
  }
}
