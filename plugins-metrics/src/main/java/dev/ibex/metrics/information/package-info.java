/**
 * Information metrics of S-IB: HSIC dependence between input and attribution regions over a batch.
 */
package dev.ibex.metrics.information;
