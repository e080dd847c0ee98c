/**
 * Measurements that are not tests, each a {@code main} run by a script in {@code
 * integration-tests/scripts}: the soak check of long runs ({@link dev.ibex.bench.SoakCheck}), the
 * throughput of threads sharing one model ({@link dev.ibex.bench.ThreadBenchmark}) and the memory a
 * row of a batch-expanding method costs ({@link dev.ibex.bench.RowCost}).
 */
package dev.ibex.bench;
