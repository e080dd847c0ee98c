/**
 * The plugin author's kit: the templates ibex's own plugins are built on ({@link
 * dev.ibex.api.spi.AbstractAttributor}, {@link dev.ibex.api.spi.BaseCam}, {@link
 * dev.ibex.api.spi.AbstractMetric}, {@link dev.ibex.api.spi.AbstractRegularizer}) and the shared
 * machinery they use: gradients through a fresh leaf, layer capture at a split point, token layouts
 * of transformer activations, rows of samples, chunked batches, target scores, bilinear resizing,
 * blur, min-max scaling and HSIC.
 *
 * <p>A plugin names itself, describes itself and declares its options in its constructor; the
 * template checks options and input, scopes intermediates in a scratch manager, counts passes and
 * builds the result, so a method only says how it computes. Everything here depends on DJL's api
 * alone (no engine classes) and runs on whatever device the model and input are on.
 */
package dev.ibex.api.spi;
