/**
 * Data for training demos and localisation benchmarks: a Fashion-MNIST IDX reader ({@link
 * dev.ibex.training.data.FashionMnist}) and Fashion-MNIST items placed on cluttered canvases with
 * known object masks ({@link dev.ibex.training.data.FashionScenes}), both as in-memory {@link
 * dev.ibex.training.data.LabeledImages}.
 */
package dev.ibex.training.data;
