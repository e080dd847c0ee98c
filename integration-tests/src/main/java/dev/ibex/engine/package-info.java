/**
 * What the hosts in this module (the CLI, the Spark job) check about the engine before computing.
 */
package dev.ibex.engine;
