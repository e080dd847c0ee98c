package dev.ibex.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.ibex.api.ModelOutputException;
import java.util.List;
import java.util.Objects;

/**
 * Which of a model's outputs is "the" output, for models whose forward returns several. DJL's
 * PyTorch engine returns a TorchScript tuple as its tensors in order, unnamed, and a {@code
 * Dict[str, Tensor]} as tensors named by their keys in no fixed order: a dict's outputs are chosen
 * by name, a tuple's by index.
 */
final class OutputChoice {
  /** No choice: the model must return exactly one tensor. */
  static final OutputChoice ONLY = new OutputChoice(null, -1);

  private final String name;
  private final int index;

  private OutputChoice(String name, int index) {
    this.name = name;
    this.index = index;
  }

  static OutputChoice named(String name) {
    if (Objects.requireNonNull(name, "name").isEmpty()) {
      throw new IllegalArgumentException("an output name is not empty");
    }
    return new OutputChoice(name, -1);
  }

  static OutputChoice at(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("output index " + index + " is negative");
    }
    return new OutputChoice(null, index);
  }

  /**
   * Picks the chosen output and closes the others (their graph stays with the chosen one's).
   *
   * @param outputs what the method returned
   * @param method the method's name, for messages
   * @return the chosen output
   * @throws ModelOutputException if there is no single output and no choice, or the choice is not
   *     among the outputs
   */
  NDArray pick(NDList outputs, String method) {
    int at = position(outputs, method);
    for (int i = 0; i < outputs.size(); i++) {
      if (i != at) {
        outputs.get(i).close();
      }
    }
    return outputs.get(at);
  }

  private int position(NDList outputs, String method) {
    List<String> names = names(outputs);
    boolean named = !names.isEmpty();
    if (this == ONLY) {
      if (outputs.size() == 1) {
        return 0;
      }
      throw new ModelOutputException(
          method
              + " returns "
              + describe(outputs, names)
              + ": choose one by "
              + (named ? "name" : "index")
              + " when loading the model");
    }
    if (name != null) {
      int at = names.indexOf(name);
      if (at >= 0) {
        return at;
      }
      throw new ModelOutputException(
          "no output named '"
              + name
              + "': "
              + method
              + " returns "
              + describe(outputs, names)
              + (named || outputs.size() == 1 ? "" : "; choose one by index"));
    }
    if (named && outputs.size() > 1) {
      throw new ModelOutputException(
          "output index "
              + index
              + " is ambiguous: "
              + method
              + " returns "
              + describe(outputs, names)
              + ", which have no fixed order; choose one by name");
    }
    if (index >= outputs.size()) {
      throw new ModelOutputException(
          "no output at index " + index + ": " + method + " returns " + describe(outputs, names));
    }
    return index;
  }

  /** The outputs' names (a dict's keys, sorted), or empty when any output is unnamed. */
  private static List<String> names(NDList outputs) {
    for (NDArray a : outputs) {
      if (a.getName() == null || a.getName().isEmpty()) {
        return List.of();
      }
    }
    return outputs.stream().map(NDArray::getName).toList();
  }

  private static String describe(NDList outputs, List<String> names) {
    if (outputs.size() == 1) {
      return names.isEmpty() ? "one unnamed output" : "one output, named " + names.get(0);
    }
    if (names.isEmpty()) {
      return outputs.size() + " unnamed outputs (indices 0.." + (outputs.size() - 1) + ")";
    }
    return outputs.size()
        + " outputs, named "
        + String.join(", ", names.stream().sorted().toList());
  }

  @Override
  public String toString() {
    return this == ONLY ? "the only output" : name != null ? "output " + name : "output " + index;
  }
}
