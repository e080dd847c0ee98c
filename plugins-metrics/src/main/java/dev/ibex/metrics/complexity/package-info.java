/** Complexity metrics: how concentrated an attribution is (Gini, entropy). */
package dev.ibex.metrics.complexity;
