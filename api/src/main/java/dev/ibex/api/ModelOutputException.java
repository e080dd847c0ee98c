package dev.ibex.api;

/**
 * The model's output cannot be used as asked: its forward returns several outputs (a tuple, or a
 * dict such as torchvision's segmentation models' {@code {"out": ..., "aux": ...}}) and none was
 * chosen, or the chosen one is not among them, or it returns something that is not tensors.
 */
public class ModelOutputException extends IbexException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what the model returns and what was asked of it
   */
  public ModelOutputException(String message) {
    super(message);
  }
}
