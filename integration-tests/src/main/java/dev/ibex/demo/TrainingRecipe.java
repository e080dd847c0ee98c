package dev.ibex.demo;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.common.collect.ImmutableList;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.training.engine.EpochReport;
import dev.ibex.training.engine.LearningRateSchedule;
import dev.ibex.training.engine.OptimizerKind;
import dev.ibex.training.engine.Trainer;
import dev.ibex.training.engine.TrainerBuilder;
import dev.ibex.training.engine.TrainingListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ready-made training runs for demos and the CLI: a small CNN on Fashion-MNIST or on the
 * Fashion-MNIST scenes with known object masks, with any regularisers.
 *
 * <pre>{@code
 * try (NDManager m = NDManager.newBaseManager()) {
 *   Map<String, TrainingRecipe.Result> r = TrainingRecipe.scenesWithAndWithoutSib(m, TrainingRecipe.Config.demo(), listener);
 *   Block plain = r.get("plain").model();
 *   Block sib = r.get("s-ib").model();
 * }
 * }</pre>
 */
public final class TrainingRecipe {
  /** The data sets a recipe can use. */
  public static final ImmutableList<String> DATA =
      ImmutableList.of("fashion-mnist", "fashion-scenes");

  private TrainingRecipe() {}

  /**
   * What to train on and how.
   *
   * @param data {@code fashion-mnist} (28x28) or {@code fashion-scenes} (56x56 with masks)
   * @param trainSize training images (the first ones of the training split)
   * @param testSize test images (the first ones of the test split)
   * @param epochs epochs
   * @param batchSize batch size
   * @param maxBatches cap on batches per epoch, 0 for all
   * @param learningRate base learning rate
   * @param optimizer optimizer
   * @param schedule learning-rate schedule
   * @param seed seed of data, initialisation and shuffling
   * @param width channels of the small CNN's first stage
   */
  public record Config(
      String data,
      int trainSize,
      int testSize,
      int epochs,
      int batchSize,
      int maxBatches,
      float learningRate,
      OptimizerKind optimizer,
      LearningRateSchedule schedule,
      long seed,
      int width) {
    /**
     * @return the demo defaults: scenes, 6000/1000 images, 3 epochs of batch 64, Adam 3e-3 cosine,
     *     width 16
     */
    public static Config demo() {
      return new Config(
          "fashion-scenes",
          6000,
          1000,
          3,
          64,
          0,
          3e-3f,
          OptimizerKind.ADAM,
          LearningRateSchedule.COSINE,
          7,
          16);
    }
  }

  /**
   * A finished run.
   *
   * @param model the trained block (initialised, on the run's manager)
   * @param history one report per epoch
   * @param testAccuracy accuracy on the test images
   * @param test the test images (scenes carry their masks)
   */
  public record Result(
      Block model, List<EpochReport> history, double testAccuracy, LabeledImages test) {}

  /**
   * Loads a data set.
   *
   * @param name one of {@link #DATA}
   * @param train training split
   * @param size number of images
   * @param seed seed of the scene layout
   * @return the images
   */
  public static LabeledImages data(String name, boolean train, int size, long seed) {
    LabeledImages items = FashionMnist.load(FashionMnist.DEFAULT_DIR, train, size);
    switch (name) {
      case "fashion-mnist":
        return items;
      case "fashion-scenes":
        return FashionScenes.of(items, seed * 31 + (train ? 1 : 2));
      default:
        throw new InvalidOptionException("unknown data set '" + name + "'; known: " + DATA);
    }
  }

  /**
   * Trains the small CNN with the given regularisers.
   *
   * @param manager where the model lives (keep it open while using the result)
   * @param config the run
   * @param plugins discovered plugins
   * @param regularizers regulariser name to option texts, in order; empty for plain training
   * @param listener receives the training progress, or {@code null}
   * @param checkpoints checkpoint directory, or {@code null}
   * @param resume continue from the checkpoint directory
   * @return the result
   */
  public static Result train(
      NDManager manager,
      Config config,
      Plugins plugins,
      Map<String, Map<String, String>> regularizers,
      TrainingListener listener,
      Path checkpoints,
      boolean resume) {
    checkArgument(DATA.contains(config.data()), "unknown data set %s", config.data());
    LabeledImages train = data(config.data(), true, config.trainSize(), config.seed());
    LabeledImages test = data(config.data(), false, config.testSize(), config.seed());
    TrainerBuilder b =
        Trainer.builder(SmallCnn.create(train.classes(), config.width()), manager)
            .epochs(config.epochs())
            .batchSize(config.batchSize())
            .maxBatchesPerEpoch(config.maxBatches())
            .learningRate(config.learningRate())
            .optimizer(config.optimizer())
            .schedule(config.schedule())
            .seed(config.seed())
            .checkpoints(checkpoints)
            .resume(resume);
    if (listener != null) {
      b.listener(listener);
    }
    regularizers.forEach((name, options) -> b.regularizer(plugins, name, options));
    Trainer trainer = b.build();
    List<EpochReport> history = trainer.fit(train, null);
    double acc = trainer.evaluate(test).accuracy();
    trainer.close();
    return new Result(trainer.model(), history, acc, test);
  }

  /**
   * The demo comparison: the small CNN trained on the scenes without and with {@code s-ib} (default
   * options), same seed and data.
   *
   * @param manager where the models live
   * @param config the run (its {@code data} should be {@code fashion-scenes})
   * @param listener receives the training progress, or {@code null}
   * @return {@code plain} and {@code s-ib} results
   */
  public static Map<String, Result> scenesWithAndWithoutSib(
      NDManager manager, Config config, TrainingListener listener) {
    Plugins plugins = Plugins.discover(TrainingRecipe.class.getClassLoader());
    Map<String, Result> out = new LinkedHashMap<>();
    out.put("plain", train(manager, config, plugins, Map.of(), listener, null, false));
    out.put(
        "s-ib", train(manager, config, plugins, Map.of("s-ib", Map.of()), listener, null, false));
    return out;
  }
}
