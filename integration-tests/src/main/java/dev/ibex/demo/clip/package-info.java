/**
 * Experiment NIB (issue 13, NIB paper Table 2): image-caption pairs of Fashion-MNIST garments with
 * exact masks ({@link dev.ibex.demo.clip.CaptionedScenes}), a CLIP-like model trained contrastively
 * on them ({@link dev.ibex.demo.clip.ContrastiveTraining}), and NIB against the other attribution
 * methods on both towers ({@link dev.ibex.demo.clip.NibExperiment}).
 */
package dev.ibex.demo.clip;
