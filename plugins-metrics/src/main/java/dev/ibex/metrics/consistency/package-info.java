/** Consistency metrics: the attributor is re-run on modified inputs and its maps compared. */
package dev.ibex.metrics.consistency;
