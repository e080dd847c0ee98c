/**
 * Metrics over attributions as {@link dev.ibex.api.Metric} plugins, one package per family:
 * localisation (against ground-truth masks), faithfulness (running the model on perturbed inputs),
 * consistency and sanity (re-running the attributor), complexity, information (HSIC over the batch)
 * and throughput. Shared machinery lives in {@code core}.
 */
package dev.ibex.metrics;
