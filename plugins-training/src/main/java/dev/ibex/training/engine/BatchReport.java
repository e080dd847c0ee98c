package dev.ibex.training.engine;

import com.google.common.collect.ImmutableMap;

/**
 * What one optimisation step did: its loss terms (cross-entropy under {@code ce}, the total under
 * {@code loss}, each regulariser's terms under its own names, in the order they were computed) and
 * its batch's training accuracy.
 *
 * @param epoch the epoch, from 1
 * @param batch the batch within the epoch, from 1
 * @param batches batches in the epoch
 * @param terms the logged terms of this step
 * @param accuracy accuracy on the batch (as it was trained)
 */
public record BatchReport(
    int epoch, int batch, int batches, ImmutableMap<String, Double> terms, double accuracy) {}
