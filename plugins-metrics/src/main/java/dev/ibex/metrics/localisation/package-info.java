/**
 * Localisation metrics: attributions compared with binary ground-truth masks; empty masks are
 * skipped and counted.
 */
package dev.ibex.metrics.localisation;
