/**
 * ibex over whole datasets with Apache Spark: {@link dev.ibex.spark.ImageExplainer} turns a
 * DataFrame of image files (Spark's {@code binaryFile} source) or {@code .npy} shards into a
 * DataFrame of attribution scores, writing the maps from the executors; {@link
 * dev.ibex.spark.ExplainJob} is the {@code spark-submit} job around it. Spark is a provided
 * dependency: the cluster (or {@code spark-submit}) brings it, {@code ibex.jar} does not.
 *
 * <p>Each executor JVM loads the model once and shares it between its task threads ({@link
 * dev.ibex.spark.ExecutorModels}); attribution on PyTorch is thread-safe, and each task keeps its
 * arrays on an {@code NDManager} of its own.
 */
package dev.ibex.spark;
