package dev.ibex.training.engine;

/**
 * Accuracy and mean cross-entropy of the model on a labelled set, in inference mode.
 *
 * @param accuracy fraction of correct arg-max predictions
 * @param crossEntropy mean cross-entropy
 * @param images number of images evaluated
 */
public record Evaluation(double accuracy, double crossEntropy, int images) {}
