package dev.ibex.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Regularizer;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.TrainingStep;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.training.autograd.SecondOrder;
import dev.ibex.training.data.LabeledImages;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Trains a DJL image classifier with cross-entropy plus any set of {@link Regularizer}s.
 *
 * <p>The trainer owns the step (forward in a {@link GradientCollector}, backward, {@link
 * Optimizer#update} per parameter) because terms such as S-IB differentiate an input gradient and
 * need second-order backpropagation. Each term may wrap the classifier with its own trainable
 * blocks ({@link RegularizerTerm#wrap}); the wrapped block is what is trained and checkpointed.
 *
 * <p>Runs are reproducible: the engine seed is set before initialisation and every epoch shuffles
 * with {@code seed + epoch}. Checkpoints are DJL {@code .params} files ({@link
 * Block#saveParameters}) named {@code model-NNNN.params} plus {@code checkpoint.properties}; a resumed
 * run loads the newest and continues at the next epoch with the schedule where it stopped (optimizer
 * moments start afresh).
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(SmallCnn.create(10), manager)
 *     .regularizer(plugins.regularizer("s-ib"), Map.of("form", "linear"))
 *     .epochs(3).batchSize(64).learningRate(1e-3f).seed(7).checkpoints(dir).build();
 * List<EpochReport> history = trainer.fit(train, valid);
 * Block trained = trainer.model();
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
  /** Which optimizer updates the parameters. */
  public enum OptimizerKind {
    /** Adam (β1 0.9, β2 0.999). */
    ADAM,
    /** SGD with momentum 0.9. */
    SGD
  }

  private final Builder config;
  private final Block model;
  private final ImmutableList<NamedTerm> terms;
  private final boolean inputGradient;
  private final ParameterStore store;
  private int completedEpochs;
  private int completedUpdates;

  private record NamedTerm(String name, RegularizerTerm term) {}

  private Trainer(Builder b) {
    this.config = b;
    ImmutableList.Builder<NamedTerm> t = ImmutableList.builder();
    Block m = b.classifier;
    boolean grad = false;
    for (Pair<Regularizer, Options> r : b.regularizers) {
      RegularizerTerm term = r.getKey().create(r.getValue());
      t.add(new NamedTerm(r.getKey().name(), term));
      m = term.wrap(m);
      grad |= term.needsInputGradient();
    }
    this.terms = t.build();
    this.model = m;
    this.inputGradient = grad;
    this.store = new ParameterStore(b.manager, false);
  }

  /**
   * Starts a trainer configuration.
   *
   * @param classifier the model: (N, C, H, W) images to (N, classes) logits; uninitialised, or
   *     initialised when no regulariser wraps it
   * @param manager the manager the parameters live on (it outlives the trainer)
   * @return a builder
   */
  public static Builder builder(Block classifier, NDManager manager) {
    return new Builder(classifier, manager);
  }

  /** @return the trained block (the classifier wrapped by every term that adds blocks) */
  public Block model() {
    return model;
  }

  /** @return epochs completed so far, including those of a resumed checkpoint */
  public int completedEpochs() {
    return completedEpochs;
  }

  /**
   * Trains for the configured epochs (minus those a resumed checkpoint already did).
   *
   * @param train training images
   * @param valid validation images, or {@code null}
   * @return one report per epoch run now
   */
  public List<EpochReport> fit(LabeledImages train, LabeledImages valid) {
    Objects.requireNonNull(train, "train");
    checkArgument(train.size() >= config.batchSize, "fewer training images (%s) than one batch (%s)", train.size(), config.batchSize);
    Engine.getInstance().setRandomSeed((int) config.seed);
    initialise(train.imageShape());
    if (config.resume && config.checkpointDir != null) {
      resume();
    }
    int batchesPerEpoch = batchesPerEpoch(train);
    int totalUpdates = batchesPerEpoch * config.epochs;
    Optimizer optimizer = optimizer(config.schedule.tracker(config.learningRate, totalUpdates, completedUpdates));
    List<EpochReport> reports = new ArrayList<>();
    for (int epoch = completedEpochs + 1; epoch <= config.epochs; epoch++) {
      reports.add(runEpoch(epoch, train, valid, optimizer, batchesPerEpoch));
      completedEpochs = epoch;
      if (config.checkpointDir != null) {
        save(config.checkpointDir);
      }
    }
    return reports;
  }

  private int batchesPerEpoch(LabeledImages train) {
    int full = train.size() / config.batchSize;
    return config.maxBatchesPerEpoch > 0 ? Math.min(full, config.maxBatchesPerEpoch) : full;
  }

  private void initialise(Shape imageShape) {
    if (!model.isInitialized()) {
      model.initialize(config.manager, config.dataType, new Shape(config.batchSize).addAll(imageShape));
    }
  }

  private Optimizer optimizer(Tracker rate) {
    switch (config.optimizer) {
      case SGD:
        return Optimizer.sgd().setLearningRateTracker(rate).optMomentum(0.9f).optWeightDecays(config.weightDecay).build();
      default:
        return Optimizer.adam().optLearningRateTracker(rate).optWeightDecays(config.weightDecay).build();
    }
  }

  private EpochReport runEpoch(int epoch, LabeledImages train, LabeledImages valid, Optimizer optimizer, int batches) {
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    int[] order = train.shuffled(config.seed * 1_000_003L + epoch);
    Map<String, Double> sums = new LinkedHashMap<>();
    long correct = 0;
    long seen = 0;
    for (int b = 0; b < batches; b++) {
      int[] idx = java.util.Arrays.copyOfRange(order, b * config.batchSize, (b + 1) * config.batchSize);
      StepResult r = step(train, idx, optimizer);
      r.terms.forEach((k, v) -> sums.merge(k, v, Double::sum));
      correct += r.correct;
      seen += idx.length;
      completedUpdates++;
      if (config.progress != null && (b + 1) % config.logEvery == 0) {
        config.progress.println(String.format(Locale.ROOT, "epoch %d batch %d/%d %s acc=%.3f",
            epoch, b + 1, batches, format(r.terms), (double) r.correct / idx.length));
      }
    }
    ImmutableMap.Builder<String, Double> means = ImmutableMap.builder();
    sums.forEach((k, v) -> means.put(k, v / batches));
    double validAcc = Double.NaN;
    double validLoss = Double.NaN;
    if (valid != null && valid.size() > 0) {
      double[] ev = evaluate(valid);
      validAcc = ev[0];
      validLoss = ev[1];
    }
    EpochReport report = new EpochReport(epoch, means.build(), (double) correct / seen, validAcc, validLoss,
        (System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuStart) / 1e9);
    if (config.progress != null) {
      config.progress.println(report.line());
    }
    return report;
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
        : 0;
  }

  private static String format(Map<String, Double> terms) {
    StringBuilder sb = new StringBuilder();
    terms.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s=%.4g", k, v)));
    return sb.toString();
  }

  private record StepResult(Map<String, Double> terms, long correct) {}

  /** One optimisation step on the given training images. */
  private StepResult step(LabeledImages data, int[] idx, Optimizer optimizer) {
    Map<String, Double> logged = new LinkedHashMap<>();
    long correct;
    try (NDManager scope = config.manager.newSubManager()) {
      NDArray x = data.images(scope, idx).toType(config.dataType, false);
      NDArray y = data.labels(scope, idx);
      if (inputGradient) {
        x.setRequiresGradient(true);
      }
      try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
        NDList out = model.forward(store, new NDList(x), true);
        NDArray ce = crossEntropy(out.get(0), y);
        NDArray total = ce;
        logged.put("ce", ce.toType(DataType.FLOAT64, false).getDouble());
        Step step = new Step(x, y, out, logged);
        for (NamedTerm t : terms) {
          NDArray l = t.term.loss(step);
          logged.put(t.name, l.toType(DataType.FLOAT64, false).getDouble());
          total = total.add(l);
        }
        double totalValue = total.toType(DataType.FLOAT64, false).getDouble();
        logged.put("loss", totalValue);
        if (!Double.isFinite(totalValue)) {
          throw new dev.ibex.api.InvalidInputException("non-finite loss at update " + (completedUpdates + 1) + ": " + logged
              + " (lower the learning rate or a regulariser weight)");
        }
        collector.backward(total);
        correct = countCorrect(out.get(0), y);
      }
      for (Pair<String, Parameter> p : model.getParameters()) {
        NDArray w = p.getValue().getArray();
        if (w.hasGradient()) {
          optimizer.update(p.getValue().getId(), w, w.getGradient());
        }
      }
      SecondOrder.zeroParameterGradients(model);
    }
    return new StepResult(logged, correct);
  }

  /**
   * Mean cross-entropy of logits against class labels.
   *
   * @param logits (N, classes)
   * @param labels (N,) class indices
   * @return scalar
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logp = logits.logSoftmax(1);
    NDArray oneHot = labels.oneHot((int) logits.getShape().get(1)).toType(logp.getDataType(), false);
    return logp.mul(oneHot).sum(new int[] {1}).mean().neg();
  }

  private static long countCorrect(NDArray logits, NDArray labels) {
    return logits.argMax(1).toType(DataType.INT64, false).eq(labels.toType(DataType.INT64, false)).sum().getLong();
  }

  /**
   * Accuracy and mean cross-entropy on a labelled set (inference mode, in batches).
   *
   * @param data the images
   * @return {accuracy, cross-entropy}
   */
  public double[] evaluate(LabeledImages data) {
    checkState(model.isInitialized(), "the model is not initialised; call fit first");
    long correct = 0;
    double ce = 0;
    for (int start = 0; start < data.size(); start += config.batchSize) {
      int[] idx = data.indices(start, config.batchSize);
      try (NDManager scope = config.manager.newSubManager()) {
        NDArray x = data.images(scope, idx).toType(config.dataType, false);
        NDArray y = data.labels(scope, idx);
        NDArray logits = model.forward(store, new NDList(x), false).get(0);
        correct += countCorrect(logits, y);
        ce += crossEntropy(logits, y).toType(DataType.FLOAT64, false).getDouble() * idx.length;
      }
    }
    return new double[] {(double) correct / data.size(), ce / data.size()};
  }

  /**
   * Writes {@code model-NNNN.params} (NNNN = completed epochs) and {@code checkpoint.properties}.
   *
   * @param dir the checkpoint directory (created if missing)
   * @return the parameter file
   */
  public Path save(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(String.format(Locale.ROOT, "model-%04d.params", completedEpochs));
      try (DataOutputStream os = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
        model.saveParameters(os);
      }
      Properties p = new Properties();
      p.setProperty("epoch", Integer.toString(completedEpochs));
      p.setProperty("updates", Integer.toString(completedUpdates));
      p.setProperty("params", file.getFileName().toString());
      p.setProperty("seed", Long.toString(config.seed));
      p.setProperty("regularizers", String.join(",", terms.stream().map(NamedTerm::name).toList()));
      try (var w = Files.newBufferedWriter(dir.resolve("checkpoint.properties"), StandardCharsets.UTF_8)) {
        p.store(w, "ibex training checkpoint");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint to " + dir, e);
    }
  }

  private void resume() {
    Path props = config.checkpointDir.resolve("checkpoint.properties");
    if (!Files.isRegularFile(props)) {
      return; // nothing to resume: a fresh run
    }
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + props, e);
    }
    load(model, config.manager, config.checkpointDir.resolve(p.getProperty("params")));
    completedEpochs = Integer.parseInt(p.getProperty("epoch"));
    completedUpdates = Integer.parseInt(p.getProperty("updates"));
    if (config.progress != null) {
      config.progress.println("resumed from " + p.getProperty("params") + " after epoch " + completedEpochs);
    }
  }

  /**
   * Loads a {@code .params} file into an initialised block of the same structure (for a model
   * trained with a wrapping regulariser, the wrapped block).
   *
   * @param block the block
   * @param manager where the parameters live
   * @param file the file
   */
  public static void load(Block block, NDManager manager, Path file) {
    try (DataInputStream is = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      block.loadParameters(manager, is);
      // loaded arrays are new tensors: make the trainable ones leaves that record gradients again
      for (Pair<String, Parameter> p : block.getParameters()) {
        NDArray a = p.getValue().getArray();
        if (p.getValue().requiresGradient() && !a.hasGradient()) {
          a.setRequiresGradient(true);
        }
      }
    } catch (IOException | MalformedModelException e) {
      throw new InvalidInputException("cannot load parameters from " + file + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    terms.forEach(t -> t.term.close());
  }

  /** The {@link TrainingStep} regularisers see. */
  private final class Step implements TrainingStep {
    private final NDArray x;
    private final NDArray y;
    private final NDList out;
    private final Map<String, Double> logged;

    Step(NDArray x, NDArray y, NDList out, Map<String, Double> logged) {
      this.x = x;
      this.y = y;
      this.out = out;
      this.logged = logged;
    }

    @Override
    public NDArray inputs() {
      return x;
    }

    @Override
    public NDArray labels() {
      return y;
    }

    @Override
    public NDList outputs() {
      return out;
    }

    @Override
    public Block model() {
      return model;
    }

    @Override
    public ParameterStore parameterStore() {
      return store;
    }

    @Override
    public boolean training() {
      return true;
    }

    @Override
    public void log(String name, double value) {
      logged.put(name, value);
    }
  }

  /** Configures a {@link Trainer}. */
  public static final class Builder {
    private final Block classifier;
    private final NDManager manager;
    private final List<Pair<Regularizer, Options>> regularizers = new ArrayList<>();
    private OptimizerKind optimizer = OptimizerKind.ADAM;
    private float learningRate = 1e-3f;
    private float weightDecay;
    private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;
    private int epochs = 1;
    private int batchSize = 64;
    private int maxBatchesPerEpoch;
    private long seed = 42;
    private Path checkpointDir;
    private boolean resume;
    private PrintStream progress;
    private int logEvery = 50;
    private DataType dataType = DataType.FLOAT32;

    private Builder(Block classifier, NDManager manager) {
      this.classifier = Objects.requireNonNull(classifier, "classifier");
      this.manager = Objects.requireNonNull(manager, "manager");
    }

    /**
     * Adds a regulariser with validated options.
     *
     * @param regularizer the plugin
     * @param options options from its schema
     * @return this builder
     */
    public Builder regularizer(Regularizer regularizer, Options options) {
      regularizers.add(new Pair<>(regularizer, options));
      return this;
    }

    /**
     * Adds a regulariser with options given as text ({@code name -> value}), parsed by its schema.
     *
     * @param regularizer the plugin
     * @param options option texts
     * @return this builder
     */
    public Builder regularizer(Regularizer regularizer, Map<String, String> options) {
      return regularizer(regularizer, regularizer.options().parse(options));
    }

    /**
     * Adds a regulariser looked up by name.
     *
     * @param plugins discovered plugins
     * @param name the regulariser's name
     * @param options option texts
     * @return this builder
     */
    public Builder regularizer(Plugins plugins, String name, Map<String, String> options) {
      return regularizer(plugins.regularizer(name), options);
    }

    /** @param kind the optimizer @return this builder */
    public Builder optimizer(OptimizerKind kind) {
      this.optimizer = Objects.requireNonNull(kind);
      return this;
    }

    /** @param rate base learning rate, positive @return this builder */
    public Builder learningRate(float rate) {
      checkArgument(rate > 0, "learning rate must be positive");
      this.learningRate = rate;
      return this;
    }

    /** @param decay L2 weight decay, non-negative @return this builder */
    public Builder weightDecay(float decay) {
      checkArgument(decay >= 0, "weight decay must be non-negative");
      this.weightDecay = decay;
      return this;
    }

    /** @param s the learning-rate schedule @return this builder */
    public Builder schedule(LearningRateSchedule s) {
      this.schedule = Objects.requireNonNull(s);
      return this;
    }

    /** @param n epochs in the whole run, at least 1 @return this builder */
    public Builder epochs(int n) {
      checkArgument(n >= 1, "epochs must be at least 1");
      this.epochs = n;
      return this;
    }

    /** @param n batch size, at least 2 (HSIC needs a batch) @return this builder */
    public Builder batchSize(int n) {
      checkArgument(n >= 2, "batch size must be at least 2");
      this.batchSize = n;
      return this;
    }

    /** @param n cap on batches per epoch, 0 for all @return this builder */
    public Builder maxBatchesPerEpoch(int n) {
      checkArgument(n >= 0, "max batches must be non-negative");
      this.maxBatchesPerEpoch = n;
      return this;
    }

    /** @param s the seed of initialisation, shuffling and noise @return this builder */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** @param dir where to write a checkpoint after every epoch @return this builder */
    public Builder checkpoints(Path dir) {
      this.checkpointDir = dir;
      return this;
    }

    /** @param r continue from the newest checkpoint in the checkpoint directory @return this builder */
    public Builder resume(boolean r) {
      this.resume = r;
      return this;
    }

    /**
     * @param out where to print per-batch and per-epoch progress, or {@code null} for silence
     * @param everyBatches print every this many batches
     * @return this builder
     */
    public Builder progress(PrintStream out, int everyBatches) {
      checkArgument(everyBatches >= 1, "everyBatches must be at least 1");
      this.progress = out;
      this.logEvery = everyBatches;
      return this;
    }

    /** @param type parameter and input type (FLOAT32, or FLOAT64 for gradient checks) @return this builder */
    public Builder dataType(DataType type) {
      this.dataType = Objects.requireNonNull(type);
      return this;
    }

    /** @return the trainer */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
