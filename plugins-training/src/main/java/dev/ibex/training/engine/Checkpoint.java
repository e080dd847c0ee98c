package dev.ibex.training.engine;

import java.nio.file.Path;

/**
 * A saved training state: the parameters after some epochs, and the updates done so far (where a
 * resumed run continues the learning-rate schedule).
 *
 * @param params the {@code .params} file
 * @param epoch epochs completed
 * @param updates optimizer updates completed
 */
public record Checkpoint(Path params, int epoch, int updates) {}
