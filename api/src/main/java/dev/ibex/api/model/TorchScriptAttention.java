package dev.ibex.api.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.ibex.api.InvalidInputException;

/**
 * The {@link AttentionProbing} contract of a TorchScript file: calls {@code
 * attention_shape_<entry>} and {@code attention_<entry>} and checks what they return.
 */
final class TorchScriptAttention {
  /** Calls an exported method of the loaded TorchScript module. */
  @FunctionalInterface
  interface Caller {
    NDList call(String method, NDArray... inputs);
  }

  private TorchScriptAttention() {}

  static long[] shape(Caller caller, String entry, NDArray input) {
    String method = "attention_shape_" + entry;
    try (NDList out = invoke(caller, method, input)) {
      NDArray s = out.get(0);
      if (out.size() != 1 || s.getShape().dimension() != 1 || s.getShape().get(0) != 3) {
        throw new InvalidInputException(
            method + " must return one tensor [blocks, heads, tokens], not " + out.getShapes());
      }
      return s.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
    }
  }

  static AttentionProbing.ProbedPass forward(
      Caller caller, String entry, NDArray input, NDArray probe) {
    String method = "attention_" + entry;
    NDList out = invoke(caller, method, input, probe);
    if (out.size() != 2 || !out.get(1).getShape().equals(probe.getShape())) {
      String shapes = out.getShapes().toString();
      out.close();
      throw new InvalidInputException(
          method
              + " must return (output, attention) with attention shaped as the probe "
              + probe.getShape()
              + ", not "
              + shapes);
    }
    return new AttentionProbing.ProbedPass(out.get(0), out.get(1));
  }

  private static NDList invoke(Caller caller, String method, NDArray... inputs) {
    try {
      return caller.call(method, inputs);
    } catch (InvalidInputException e) {
      if (e.getCause() instanceof EngineException
          && String.valueOf(e.getCause().getMessage()).contains("is not defined")) {
        throw new InvalidInputException(
            "the model exports no method '"
                + method
                + "': it does not expose its attention (see AttentionProbing for the contract)",
            e);
      }
      throw e;
    }
  }
}
