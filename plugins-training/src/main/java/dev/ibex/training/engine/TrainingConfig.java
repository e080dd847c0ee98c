package dev.ibex.training.engine;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;

/**
 * How a {@link Trainer} trains (built and checked by {@link TrainerBuilder}).
 *
 * @param optimizer the optimizer
 * @param learningRate base learning rate
 * @param weightDecay L2 weight decay
 * @param schedule the learning-rate schedule
 * @param epochs epochs in the whole run
 * @param batchSize batch size
 * @param maxBatchesPerEpoch cap on batches per epoch, 0 for all
 * @param seed the seed of initialisation, shuffling and noise
 * @param checkpointDir where to write a checkpoint after every epoch, or {@code null}
 * @param resume continue from the newest checkpoint in {@code checkpointDir}
 * @param dataType parameter and input type
 */
public record TrainingConfig(
    OptimizerKind optimizer,
    float learningRate,
    float weightDecay,
    LearningRateSchedule schedule,
    int epochs,
    int batchSize,
    int maxBatchesPerEpoch,
    long seed,
    Path checkpointDir,
    boolean resume,
    DataType dataType) {}
