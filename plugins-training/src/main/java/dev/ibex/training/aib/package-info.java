/**
 * The {@code aib} regularizer ({@link dev.ibex.training.aib.Aib}) and its parts: the per-run term,
 * the attention model it trains, and the {@code aib-attention} attributor that reads that model's
 * attention.
 */
package dev.ibex.training.aib;
