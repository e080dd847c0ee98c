/**
 * Second-order gradients on the PyTorch engine, which DJL does not offer: differentiable input
 * gradients ({@code torch.autograd.grad} with the graph kept) for regularizers built on them, and
 * the reset of parameter gradients the trainer does after each update.
 */
package dev.ibex.training.autograd;
