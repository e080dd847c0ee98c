/**
 * Faithfulness metrics: the model is run, batched, on inputs perturbed in the order or by the
 * values of the attribution.
 */
package dev.ibex.metrics.faithfulness;
