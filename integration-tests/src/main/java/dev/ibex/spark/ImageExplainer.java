package dev.ibex.spark;

import dev.ibex.api.InvalidInputException;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.model.TorchScriptModel;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Explains a DataFrame of image files with any attributors and metrics: one row per sample and
 * method with the explained class, each metric's score, the attribution's passes per image, where
 * its maps were written and, for a sample that failed, the error.
 *
 * <pre>{@code
 * ImageExplainer explainer = ImageExplainer.builder("model.pt")
 *     .layers("conv3")
 *     .method("grad-cam", Map.of("layer", "conv3"))
 *     .metric("deletion", Map.of("steps", "20"))
 *     .maps(Path.of("/shared/out/maps"), true, true)
 *     .build();
 * Dataset<Row> scores = explainer.transform(ImageExplainer.readFiles(spark, "/shared/images/*.png"));
 * scores.write().parquet("file:///shared/out/scores.parquet");
 * }</pre>
 *
 * <p>The input has the columns {@code path} (string) and {@code content} (binary) of Spark's {@code
 * binaryFile} source ({@link #readFiles}); {@code .npy} files are shards of model inputs, any other
 * file an image decoded by the {@link ImageDecoder}. Each partition is explained in batches of
 * samples of one shape; each executor JVM loads the model once, lazily, for all its tasks ({@link
 * ExecutorModels}). A file that cannot be decoded, or a sample the model or a metric rejects, gives
 * rows with the error and no scores, not a failed job; a batch that fails is explained again sample
 * by sample, so one bad sample does not cost its batch-mates their scores. What would fail every
 * task (a missing or unloadable model, an unknown method, metric or option) fails {@link
 * #transform} on the driver before any task runs.
 *
 * <p>A metric is a column of that name, a double: each sample's score or, for a batch-level metric
 * ({@code fps}, the HSIC terms), its batch's value. Immutable and serialisable: it travels to the
 * executors with the tasks.
 */
public final class ImageExplainer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The columns before the metrics. */
  public static final List<String> KEY_COLUMNS = List.of("path", "sample", "method", "target");

  /** The columns after the metrics. */
  public static final List<String> RESULT_COLUMNS =
      List.of("forward_passes", "backward_passes", "map_png", "map_npy", "error");

  /** The columns with the attribution itself, with {@link Builder#keepAttributions}. */
  public static final List<String> ATTRIBUTION_COLUMNS =
      List.of("attribution", "attribution_shape");

  private final ModelSpec model;
  private final LinkedHashMap<String, Map<String, String>> methods;
  private final LinkedHashMap<String, Map<String, String>> metrics;
  private final Integer targetClass;
  private final int batchSize;
  private final SampleReader reader;
  private final MapWriter maps;
  private final boolean keepAttributions;
  // set on the driver once check() passed: transform does not load the model a second time
  private transient volatile boolean checked;

  private ImageExplainer(Builder b) {
    this.model = new ModelSpec(b.model, b.entry, b.tailTakesInput, b.layers, b.device, b.output);
    this.methods = new LinkedHashMap<>(b.methods);
    this.metrics = new LinkedHashMap<>(b.metrics);
    this.targetClass = b.targetClass;
    this.batchSize = b.batchSize;
    this.reader = new SampleReader(b.decoder);
    this.maps = b.mapDir == null ? null : new MapWriter(b.mapDir, b.png, b.npy);
    this.keepAttributions = b.keepAttributions;
  }

  /**
   * Starts an explainer of a TorchScript model.
   *
   * @param modelFile the {@code .pt} file: on storage every executor reads, or shipped with {@code
   *     spark-submit --files} (then found by its name)
   * @return a builder
   */
  public static Builder builder(String modelFile) {
    return new Builder(modelFile);
  }

  /**
   * Spark's {@code binaryFile} source over files or globs: the DataFrame {@link #transform} takes.
   *
   * @param spark the session
   * @param paths files, directories or globs (e.g. {@code /data/images/*.png})
   * @return the files' {@code path}, {@code modificationTime}, {@code length} and {@code content}
   */
  public static Dataset<Row> readFiles(SparkSession spark, String... paths) {
    return spark.read().format("binaryFile").load(paths);
  }

  /**
   * The output's columns: {@link #KEY_COLUMNS}, one double per metric, {@link #RESULT_COLUMNS} and,
   * with {@link Builder#keepAttributions}, {@link #ATTRIBUTION_COLUMNS}.
   *
   * @return the schema
   */
  public StructType schema() {
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField("path", DataTypes.StringType, false));
    f.add(DataTypes.createStructField("sample", DataTypes.IntegerType, false));
    f.add(DataTypes.createStructField("method", DataTypes.StringType, false));
    f.add(DataTypes.createStructField("target", DataTypes.IntegerType, true));
    for (String metric : metrics.keySet()) {
      f.add(DataTypes.createStructField(metric, DataTypes.DoubleType, true));
    }
    f.add(DataTypes.createStructField("forward_passes", DataTypes.DoubleType, true));
    f.add(DataTypes.createStructField("backward_passes", DataTypes.DoubleType, true));
    f.add(DataTypes.createStructField("map_png", DataTypes.StringType, true));
    f.add(DataTypes.createStructField("map_npy", DataTypes.StringType, true));
    f.add(DataTypes.createStructField("error", DataTypes.StringType, true));
    if (keepAttributions) {
      DataType floats = DataTypes.createArrayType(DataTypes.FloatType, false);
      DataType ints = DataTypes.createArrayType(DataTypes.IntegerType, false);
      f.add(DataTypes.createStructField("attribution", floats, true));
      f.add(DataTypes.createStructField("attribution_shape", ints, true));
    }
    return DataTypes.createStructType(f);
  }

  /**
   * Checks here, on the driver, what would otherwise fail every task: the plugins and options
   * exist, the engine computes convolution gradients right, and the model loads (then it is closed
   * again; executors load their own and check the engine too).
   *
   * @throws dev.ibex.api.IbexException with one line naming the problem (e.g. {@code model file not
   *     found: /data/m.pt}, {@code unknown attributor 'salency'})
   */
  public void check() {
    if (checked) {
      return;
    }
    pipelines(ExecutorModels.ibex());
    ExecutorModels.requireRightGradients();
    try (TorchScriptModel loaded = model.load()) {
      Objects.requireNonNull(loaded);
    }
    checked = true;
  }

  /**
   * Explains the images, lazily, as Spark transformations do: nothing runs until an action (such as
   * writing the result) asks for it; the maps are written then, by the executors.
   *
   * @param images files with {@code path} and {@code content} columns, as {@link #readFiles}
   * @return one row per sample and method, see {@link #schema()}
   * @throws dev.ibex.api.IbexException if {@link #check()} (done once per explainer) fails or the
   *     columns are missing
   */
  public Dataset<Row> transform(Dataset<Row> images) {
    Set<String> has = Set.of(images.columns());
    if (!has.contains("path") || !has.contains("content")) {
      throw new InvalidInputException(
          "the images need columns path (string) and content (binary), as the binaryFile source"
              + " gives; got "
              + Arrays.toString(images.columns()));
    }
    check();
    return images
        .select("path", "content")
        .mapPartitions(new PartitionExplainer(this), Encoders.row(schema()));
  }

  /** A pipeline per method, every metric in each; an unknown plugin or option fails here. */
  Map<String, Pipeline> pipelines(Ibex ibex) {
    Map<String, Pipeline> out = new LinkedHashMap<>();
    methods.forEach(
        (method, options) -> {
          Pipeline p = ibex.pipeline(method, options);
          for (Map.Entry<String, Map<String, String>> m : metrics.entrySet()) {
            p = p.metric(m.getKey(), m.getValue());
          }
          out.put(method, p);
        });
    return out;
  }

  ModelSpec model() {
    return model;
  }

  List<String> metricNames() {
    return List.copyOf(metrics.keySet());
  }

  Integer targetClass() {
    return targetClass;
  }

  int batchSize() {
    return batchSize;
  }

  SampleReader reader() {
    return reader;
  }

  MapWriter maps() {
    return maps;
  }

  boolean keepAttributions() {
    return keepAttributions;
  }

  /** Builds an {@link ImageExplainer}. */
  public static final class Builder {
    private final String model;
    private String entry;
    private boolean tailTakesInput;
    private String output;
    private List<String> layers = List.of();
    private String device;
    private final LinkedHashMap<String, Map<String, String>> methods = new LinkedHashMap<>();
    private final LinkedHashMap<String, Map<String, String>> metrics = new LinkedHashMap<>();
    private Integer targetClass;
    private int batchSize = 16;
    private ImageDecoder decoder = ImageDecoder.plain(3);
    private String mapDir;
    private boolean png;
    private boolean npy;
    private boolean keepAttributions;

    private Builder(String model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * @param method the model's method that plays {@code forward} ({@code null}: forward)
     * @return this builder
     */
    public Builder entry(String method) {
      this.entry = method;
      return this;
    }

    /**
     * @param takesInput whether the split points take the input too: {@code from_<layer>(h, x)}
     * @return this builder
     */
    public Builder tailTakesInput(boolean takesInput) {
      this.tailTakesInput = takesInput;
      return this;
    }

    /**
     * @param nameOrIndex the output to explain when the model returns several: a dict's key, or a
     *     tuple's index in digits ({@code null}: the model returns one)
     * @return this builder
     */
    public Builder output(String nameOrIndex) {
      this.output = nameOrIndex;
      return this;
    }

    /**
     * @param names split points the model offers (for the layer methods)
     * @return this builder
     */
    public Builder layers(String... names) {
      this.layers = List.of(names);
      return this;
    }

    /**
     * @param name {@code cpu}, {@code gpu}, {@code gpuN}, or {@code null} (the default) for a
     *     visible GPU, else the CPU; the same on every executor
     * @return this builder
     */
    public Builder device(String name) {
      this.device = name;
      return this;
    }

    /**
     * Adds an attribution method: each sample gets one row per method.
     *
     * @param name the attributor's name
     * @param options its options as text, e.g. {@code layer=conv3}
     * @return this builder
     */
    public Builder method(String name, Map<String, String> options) {
      if (methods.put(name, Map.copyOf(options)) != null) {
        throw new InvalidInputException("method '" + name + "' is given twice");
      }
      return this;
    }

    /**
     * Adds a metric: a column of its name.
     *
     * @param name the metric's name
     * @param options its options as text
     * @return this builder
     */
    public Builder metric(String name, Map<String, String> options) {
      if (KEY_COLUMNS.contains(name)
          || RESULT_COLUMNS.contains(name)
          || ATTRIBUTION_COLUMNS.contains(name)) {
        throw new InvalidInputException("metric '" + name + "' would clash with a column");
      }
      if (metrics.put(name, Map.copyOf(options)) != null) {
        throw new InvalidInputException("metric '" + name + "' is given twice");
      }
      return this;
    }

    /**
     * @param k explain class {@code k} in every sample (default: each sample's predicted class)
     * @return this builder
     */
    public Builder targetClass(int k) {
      if (k < 0) {
        throw new InvalidInputException("target class must be 0 or more, got " + k);
      }
      this.targetClass = k;
      return this;
    }

    /**
     * @param n samples per model call within a partition (default 16)
     * @return this builder
     */
    public Builder batchSize(int n) {
      if (n < 1) {
        throw new InvalidInputException("batch size must be 1 or more, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /**
     * @param d how image files become inputs (default: RGB in [0, 1], own size)
     * @return this builder
     */
    public Builder decoder(ImageDecoder d) {
      this.decoder = Objects.requireNonNull(d, "decoder");
      return this;
    }

    /**
     * Writes each map from the executors (default: none).
     *
     * @param dir a directory every executor can write: local in {@code local[*]}, shared storage
     *     (mounted at the same path everywhere) on a cluster
     * @param heatmaps write {@code METHOD/NAME.png}
     * @param values write {@code METHOD/NAME.npy}
     * @return this builder
     */
    public Builder maps(Path dir, boolean heatmaps, boolean values) {
      this.mapDir = heatmaps || values ? dir.toAbsolutePath().normalize().toString() : null;
      this.png = heatmaps;
      this.npy = values;
      return this;
    }

    /**
     * @param keep also put each attribution in the rows ({@link #ATTRIBUTION_COLUMNS}: values
     *     flattened, and their shape)
     * @return this builder
     */
    public Builder keepAttributions(boolean keep) {
      this.keepAttributions = keep;
      return this;
    }

    /**
     * @return the explainer
     * @throws InvalidInputException without a method
     */
    public ImageExplainer build() {
      if (methods.isEmpty()) {
        throw new InvalidInputException("no attribution method given");
      }
      return new ImageExplainer(this);
    }
  }
}
