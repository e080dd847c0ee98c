package dev.ibex.training.engine;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableMap;
import dev.ibex.api.Regularizer;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.options.Options;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains a DJL image classifier with cross-entropy plus any set of {@link Regularizer}s.
 *
 * <p>The trainer owns the step ({@link OptimizationStep}) because terms such as S-IB differentiate
 * an input gradient and need second-order backpropagation. Each term may wrap the classifier with
 * its own trainable blocks ({@link RegularizerTerm#wrap}); the wrapped block is what is trained and
 * checkpointed. Progress goes to {@link TrainingListener}s; the trainer prints nothing.
 *
 * <p>Runs are reproducible: the engine seed is set before initialisation and every epoch shuffles
 * with {@code seed + epoch}. Checkpoints ({@link Checkpoints}) are written after every epoch; a
 * resumed run loads the newest and continues at the next epoch with the schedule where it stopped
 * (optimizer moments start afresh).
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(classifier, manager)
 *     .regularizer(plugins.regularizer("s-ib"), Map.of("form", "linear"))
 *     .epochs(3).batchSize(64).learningRate(1e-3f).seed(7).checkpoints(dir).listener(listener).build();
 * List<EpochReport> history = trainer.fit(train, valid);
 * Block trained = trainer.model();
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
  private final TrainingConfig config;
  private final NDManager manager;
  private final RegularizerTerms terms;
  private final Block model;
  private final ParameterStore store;
  private final TrainingListener listener;
  private int completedEpochs;
  private int completedUpdates;

  Trainer(
      Block classifier,
      NDManager manager,
      List<Pair<Regularizer, Options>> regularizers,
      TrainingConfig config,
      TrainingListener listener) {
    this.config = config;
    this.manager = manager;
    this.terms = new RegularizerTerms(classifier, regularizers);
    this.model = terms.model();
    this.store = new ParameterStore(manager, false);
    this.listener = listener;
  }

  /**
   * Starts a trainer configuration.
   *
   * @param classifier the model: (N, C, H, W) images to (N, classes) logits; uninitialised, or
   *     initialised when no regulariser wraps it
   * @param manager the manager the parameters live on (it outlives the trainer)
   * @return a builder
   */
  public static TrainerBuilder builder(Block classifier, NDManager manager) {
    return new TrainerBuilder(classifier, manager);
  }

  /**
   * @return the trained block (the classifier wrapped by every term that adds blocks)
   */
  public Block model() {
    return model;
  }

  /**
   * @return how this trainer trains
   */
  public TrainingConfig config() {
    return config;
  }

  /**
   * @return epochs completed so far, including those of a resumed checkpoint
   */
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
  public List<EpochReport> fit(LabeledData train, LabeledData valid) {
    Objects.requireNonNull(train, "train");
    int batchSize = config.batchSize();
    checkArgument(
        train.size() >= batchSize,
        "fewer training images (%s) than one batch (%s)",
        train.size(),
        batchSize);
    Engine.getInstance().setRandomSeed((int) config.seed());
    initialise(train.imageShape());
    if (config.resume() && config.checkpointDir() != null) {
      resume();
    }
    int batchesPerEpoch = batchesPerEpoch(train);
    int totalUpdates = batchesPerEpoch * config.epochs();
    Optimizer optimizer =
        config
            .optimizer()
            .create(
                config.schedule().tracker(config.learningRate(), totalUpdates, completedUpdates),
                config.weightDecay());
    OptimizationStep step =
        new OptimizationStep(terms, store, optimizer, manager, config.dataType());
    List<EpochReport> reports = new ArrayList<>();
    for (int epoch = completedEpochs + 1; epoch <= config.epochs(); epoch++) {
      reports.add(runEpoch(epoch, train, valid, step, batchesPerEpoch));
      completedEpochs = epoch;
      if (config.checkpointDir() != null) {
        listener.onCheckpoint(checkpoint(config.checkpointDir()));
      }
    }
    return reports;
  }

  private int batchesPerEpoch(LabeledData train) {
    int full = train.size() / config.batchSize();
    return config.maxBatchesPerEpoch() > 0 ? Math.min(full, config.maxBatchesPerEpoch()) : full;
  }

  private void initialise(Shape imageShape) {
    if (!model.isInitialized()) {
      model.initialize(
          manager, config.dataType(), new Shape(config.batchSize()).addAll(imageShape));
    }
  }

  private EpochReport runEpoch(
      int epoch, LabeledData train, LabeledData valid, OptimizationStep step, int batches) {
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    int batchSize = config.batchSize();
    int[] order = train.shuffled(config.seed() * 1_000_003L + epoch);
    Map<String, Double> sums = new LinkedHashMap<>();
    long correct = 0;
    long seen = 0;
    for (int b = 0; b < batches; b++) {
      int[] idx = Arrays.copyOfRange(order, b * batchSize, (b + 1) * batchSize);
      OptimizationStep.Result r = step.run(train, idx, completedUpdates + 1);
      r.terms().forEach((k, v) -> sums.merge(k, v, Double::sum));
      correct += r.correct();
      seen += idx.length;
      completedUpdates++;
      listener.onBatch(
          new BatchReport(epoch, b + 1, batches, r.terms(), (double) r.correct() / idx.length));
    }
    ImmutableMap.Builder<String, Double> means = ImmutableMap.builder();
    sums.forEach((k, v) -> means.put(k, v / batches));
    Optional<Evaluation> validation =
        valid != null && valid.size() > 0 ? Optional.of(evaluate(valid)) : Optional.empty();
    EpochReport report =
        new EpochReport(
            epoch,
            means.build(),
            (double) correct / seen,
            validation.map(Evaluation::accuracy).orElse(Double.NaN),
            validation.map(Evaluation::crossEntropy).orElse(Double.NaN),
            (System.nanoTime() - start) / 1e9,
            (processCpuNanos() - cpuStart) / 1e9);
    listener.onEpoch(report);
    return report;
  }

  /** CPU time of the whole process (all threads, native ones included), 0 where unavailable. */
  private static long processCpuNanos() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
        : 0;
  }

  /**
   * Accuracy and mean cross-entropy on a labelled set (inference mode, in batches), also reported
   * to the listeners.
   *
   * @param data the images
   * @return the evaluation
   */
  public Evaluation evaluate(LabeledData data) {
    checkState(model.isInitialized(), "the model is not initialised; call fit first");
    Evaluation e =
        new Evaluator(model, store, manager, config.batchSize(), config.dataType()).evaluate(data);
    listener.onEvaluation(e);
    return e;
  }

  /**
   * Writes {@code model-NNNN.params} (NNNN = completed epochs) and {@code checkpoint.properties}.
   *
   * @param dir the checkpoint directory (created if missing)
   * @return the parameter file
   */
  public Path save(Path dir) {
    return checkpoint(dir).params();
  }

  private Checkpoint checkpoint(Path dir) {
    return Checkpoints.save(
        dir, model, completedEpochs, completedUpdates, config.seed(), terms.names());
  }

  private void resume() {
    Optional<Checkpoint> newest = Checkpoints.newest(config.checkpointDir());
    if (newest.isEmpty()) {
      return; // nothing to resume: a fresh run
    }
    Checkpoint c = newest.get();
    Checkpoints.load(model, manager, c.params());
    completedEpochs = c.epoch();
    completedUpdates = c.updates();
    listener.onResume(c);
  }

  @Override
  public void close() {
    terms.close();
  }
}
