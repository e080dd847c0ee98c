package dev.ibex.api;

/** An option is unknown to a plugin, of the wrong type, or out of its allowed range. */
public class InvalidOptionException extends IbexException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what is wrong, naming the option
   */
  public InvalidOptionException(String message) {
    super(message);
  }
}
