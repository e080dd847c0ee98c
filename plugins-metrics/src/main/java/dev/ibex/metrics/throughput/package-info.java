/** Throughput of an attributor. */
package dev.ibex.metrics.throughput;
