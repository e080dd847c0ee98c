package dev.ibex.spark;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line of {@link ExplainJob}, parsed by picocli. */
@Command(
    name = "spark-submit --class dev.ibex.spark.ExplainJob ibex.jar",
    synopsisHeading = "usage: ",
    description = {
      "Explains and scores every image (PNG, JPEG, ...) or .npy shard of the input with Apache Spark:"
          + " OUT/scores.parquet (a row per sample and method) and the maps in OUT/maps/METHOD/.",
      "Exit status: 0 success, 2 bad usage or input (one line on stderr), 1 internal error."
    },
    sortOptions = false,
    usageHelpWidth = 100,
    mixinStandardHelpOptions = false)
final class JobOptions {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "PATH",
      description = "image files, directories or globs, e.g. /data/imgs/*.png; repeatable")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--model",
      required = true,
      paramLabel = "M.pt",
      description = "the TorchScript model")
  String model;

  @Option(
      names = "--entry",
      paramLabel = "METHOD",
      description = "the model's method that plays forward (default: forward)")
  String entry;

  @Option(
      names = "--tail-takes-input",
      description = "the model's split points take the input too: from_<layer>(h, x)")
  boolean tailTakesInput;

  @Option(
      names = "--model-output",
      paramLabel = "NAME|I",
      description =
          "the output to explain when the model returns several: a dict's key or a tuple's index")
  String output;

  @Option(
      names = "--layer",
      paramLabel = "L",
      description = "the layer of the layer methods (Grad-CAM & co.)")
  String layer;

  @Option(
      names = "--method",
      required = true,
      split = ",",
      paramLabel = "NAME[,NAME...]",
      description = "attribution methods, each giving a row per sample")
  List<String> methods = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "[METHOD.]key=value",
      description = "an option of a method (prefixed with it when there are several); repeatable")
  List<String> methodSettings = new ArrayList<>();

  @Option(
      names = "--metric",
      split = ",",
      paramLabel = "NAME[,NAME...]",
      description = "metrics, each a column of scores")
  List<String> metrics = new ArrayList<>();

  @Option(
      names = "--metric-set",
      paramLabel = "[METRIC.]key=value",
      description = "an option of a metric (prefixed with it when there are several); repeatable")
  List<String> metricSettings = new ArrayList<>();

  @Option(
      names = "--target",
      paramLabel = "K",
      description = "explain class K in every sample (default: the predicted class)")
  Integer target;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "scores.parquet and maps/ go here: a directory every executor can write")
  String out;

  @Option(
      names = "--maps",
      split = ",",
      paramLabel = "png,npy|none",
      description = "which maps to write (default: png,npy)")
  List<String> maps = new ArrayList<>(List.of("png", "npy"));

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "samples per model call within a partition (default: 16)")
  int batch = 16;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "spread the files over N partitions first (default: as Spark splits them)")
  Integer partitions;

  @Option(
      names = "--device",
      paramLabel = "cpu|gpu|gpuN",
      description = "where each executor runs the model (default: a visible GPU, else the CPU)")
  String device;

  @Option(
      names = "--channels",
      paramLabel = "1|3",
      description = "decode images as grey or RGB (default: 3)")
  int channels = 3;

  @Option(
      names = "--size",
      paramLabel = "HxW",
      description = "resize images bilinearly to H x W (default: keep their size)")
  String size;

  @Option(
      names = "--mean",
      split = ",",
      paramLabel = "M[,M,M]",
      description = "subtract from pixels in [0, 1], per channel (default: 0)")
  float[] mean = {0f};

  @Option(
      names = "--std",
      split = ",",
      paramLabel = "S[,S,S]",
      description = "then divide by, per channel (default: 1)")
  float[] std = {1f};

  @Option(
      names = "--keep-attributions",
      description =
          "also store each attribution in scores.parquet (attribution, attribution_shape)")
  boolean keepAttributions;

  @Option(names = "--overwrite", description = "replace an existing OUT/scores.parquet")
  boolean overwrite;

  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;
}
