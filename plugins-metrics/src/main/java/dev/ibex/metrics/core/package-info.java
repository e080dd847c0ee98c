/**
 * Shared machinery of the metrics: the template, the call context, map and mask reading, batched
 * model scoring and small statistics.
 */
package dev.ibex.metrics.core;
