/**
 * The training engine that hosts the regularizer plugins: {@link dev.ibex.training.engine.Trainer}
 * (epochs, batches, evaluation) built by {@link dev.ibex.training.engine.TrainerBuilder}, its
 * optimisation step with the regularizer terms, optimizer and learning-rate schedule set-up,
 * checkpoints, and progress events for a host's {@link dev.ibex.training.engine.TrainingListener}.
 * Data comes through {@link dev.ibex.training.engine.LabeledData}.
 */
package dev.ibex.training.engine;
