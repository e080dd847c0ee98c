package dev.ibex.training.engine;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import dev.ibex.api.Regularizer;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Configures a {@link Trainer}; start with {@link Trainer#builder}. */
public final class TrainerBuilder {
  private final Block classifier;
  private final NDManager manager;
  private final List<Pair<Regularizer, Options>> regularizers = new ArrayList<>();
  private final List<TrainingListener> listeners = new ArrayList<>();
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
  private DataType dataType = DataType.FLOAT32;

  TrainerBuilder(Block classifier, NDManager manager) {
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
  public TrainerBuilder regularizer(Regularizer regularizer, Options options) {
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
  public TrainerBuilder regularizer(Regularizer regularizer, Map<String, String> options) {
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
  public TrainerBuilder regularizer(Plugins plugins, String name, Map<String, String> options) {
    return regularizer(plugins.regularizer(name), options);
  }

  /**
   * @param kind the optimizer @return this builder
   */
  public TrainerBuilder optimizer(OptimizerKind kind) {
    this.optimizer = Objects.requireNonNull(kind);
    return this;
  }

  /**
   * @param rate base learning rate, positive @return this builder
   */
  public TrainerBuilder learningRate(float rate) {
    checkArgument(rate > 0, "learning rate must be positive");
    this.learningRate = rate;
    return this;
  }

  /**
   * @param decay L2 weight decay, non-negative @return this builder
   */
  public TrainerBuilder weightDecay(float decay) {
    checkArgument(decay >= 0, "weight decay must be non-negative");
    this.weightDecay = decay;
    return this;
  }

  /**
   * @param s the learning-rate schedule @return this builder
   */
  public TrainerBuilder schedule(LearningRateSchedule s) {
    this.schedule = Objects.requireNonNull(s);
    return this;
  }

  /**
   * @param n epochs in the whole run, at least 1 @return this builder
   */
  public TrainerBuilder epochs(int n) {
    checkArgument(n >= 1, "epochs must be at least 1");
    this.epochs = n;
    return this;
  }

  /**
   * @param n batch size, at least 2 (HSIC needs a batch) @return this builder
   */
  public TrainerBuilder batchSize(int n) {
    checkArgument(n >= 2, "batch size must be at least 2");
    this.batchSize = n;
    return this;
  }

  /**
   * @param n cap on batches per epoch, 0 for all @return this builder
   */
  public TrainerBuilder maxBatchesPerEpoch(int n) {
    checkArgument(n >= 0, "max batches must be non-negative");
    this.maxBatchesPerEpoch = n;
    return this;
  }

  /**
   * @param s the seed of initialisation, shuffling and noise @return this builder
   */
  public TrainerBuilder seed(long s) {
    this.seed = s;
    return this;
  }

  /**
   * @param dir where to write a checkpoint after every epoch, or {@code null} @return this builder
   */
  public TrainerBuilder checkpoints(Path dir) {
    this.checkpointDir = dir;
    return this;
  }

  /**
   * @param r continue from the newest checkpoint in the checkpoint directory @return this builder
   */
  public TrainerBuilder resume(boolean r) {
    this.resume = r;
    return this;
  }

  /**
   * Adds a listener to the trainer's progress (several receive every event, in the order added).
   *
   * @param listener the listener
   * @return this builder
   */
  public TrainerBuilder listener(TrainingListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * @param type parameter and input type (FLOAT32, or FLOAT64 for gradient checks) @return this
   *     builder
   */
  public TrainerBuilder dataType(DataType type) {
    this.dataType = Objects.requireNonNull(type);
    return this;
  }

  /**
   * @return the trainer
   */
  public Trainer build() {
    TrainingConfig config =
        new TrainingConfig(
            optimizer,
            learningRate,
            weightDecay,
            schedule,
            epochs,
            batchSize,
            maxBatchesPerEpoch,
            seed,
            checkpointDir,
            resume,
            dataType);
    return new Trainer(classifier, manager, regularizers, config, TrainingListener.all(listeners));
  }
}
