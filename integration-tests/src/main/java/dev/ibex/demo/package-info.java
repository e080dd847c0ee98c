/**
 * The training demo's data, model and recipes, used by the CLI's {@code demo} and {@code train}
 * commands: a Fashion-MNIST IDX reader ({@link dev.ibex.demo.FashionMnist}) and Fashion-MNIST items
 * placed on cluttered canvases with known object masks ({@link dev.ibex.demo.FashionScenes}), both
 * as in-memory {@link dev.ibex.demo.LabeledImages}; the small CNN ({@link dev.ibex.demo.SmallCnn});
 * ready-made runs of the training engine ({@link dev.ibex.demo.TrainingRecipe}); and the S-IB cost
 * benchmark ({@link dev.ibex.demo.SibBenchmark}).
 */
package dev.ibex.demo;
