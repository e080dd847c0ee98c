/**
 * The {@code s-ib} regularizer ({@link dev.ibex.training.sib.SpatialIb}) and its parts: the per-run
 * term, the soft mask head and the HSIC estimator.
 */
package dev.ibex.training.sib;
