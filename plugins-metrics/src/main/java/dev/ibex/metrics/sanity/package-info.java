/** Sanity checks: attributions must change when the model is randomised. */
package dev.ibex.metrics.sanity;
