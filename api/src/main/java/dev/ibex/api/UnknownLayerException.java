package dev.ibex.api;

import java.util.Collection;

/** A layer name that the model does not offer as a split point. */
public class UnknownLayerException extends IbexException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param layer the requested layer
   * @param known the layers the model is known to offer (may be empty when the model cannot list
   *     them)
   * @param detail how the lookup failed
   */
  public UnknownLayerException(String layer, Collection<String> known, String detail) {
    super(
        "unknown layer '"
            + layer
            + "': "
            + detail
            + (known.isEmpty() ? "" : "; known layers: " + String.join(", ", known)));
  }
}
