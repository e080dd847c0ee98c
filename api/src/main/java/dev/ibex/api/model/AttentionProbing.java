package dev.ibex.api.model;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * A capability of a transformer model: it exposes every block's attention probabilities and lets
 * their gradients be read, which attention-relevance methods (Chefer et al. 2021, {@code chefer})
 * need. An {@link ExplainableModel} adapter implements it; methods ask for it with {@link
 * #of(ExplainableModel)} instead of testing concrete model classes.
 *
 * <p>The contract is a <em>probe</em>: a zero tensor {@code (blocks, N, heads, T, T)} that the
 * model adds to block {@code b}'s attention probabilities (softmax output, before they weight the
 * values) as {@code A_b + probe[b]}. The sum changes no value, and since {@code ∂A_b'/∂probe[b]} is
 * the identity, the probe's gradient after a backward pass is exactly {@code ∂score/∂A_b} for every
 * block, in one forward and one backward pass. Libraries cannot read the gradient of an
 * intermediate tensor of a compiled model; they can always read a leaf's.
 *
 * <p>For TorchScript ({@link TorchScriptModel}), a model whose entry point is {@code <entry>}
 * ({@code forward}, {@code encode_image}, …) exports two more methods:
 *
 * <pre>{@code
 * @torch.jit.export
 * def attention_shape_<entry>(self, x):          # from x's shape alone, no forward pass
 *     return torch.tensor([blocks, heads, tokens])
 * @torch.jit.export
 * def attention_<entry>(self, x, probe):         # probe: (blocks, N, heads, tokens, tokens)
 *     ...                                        # in block b: a = softmax(q k^T / sqrt(d) + mask) + probe[b]
 *     return output, torch.stack(attentions)     # output as <entry> returns it; (blocks, N, heads, T, T)
 * }</pre>
 *
 * <p>{@code output} must equal what {@code <entry>(x)} returns. Tokens include the class token (or
 * SOT/EOT), in the order the model keeps them.
 */
public interface AttentionProbing {

  /**
   * The shape of the attention the model computes on an input, without running it.
   *
   * @param input a batch
   * @return {@code {blocks, heads, tokens}}
   * @throws dev.ibex.api.InvalidInputException if the model does not export its attention
   */
  long[] attentionShape(NDArray input);

  /**
   * The forward pass with a probe added to every block's attention probabilities (counted as one
   * forward pass per row). Called inside a gradient scope with a probe that records its gradient,
   * the probe's gradient after a backward pass is {@code ∂score/∂A}.
   *
   * @param input a batch of N samples
   * @param probe zeros of shape {@code (blocks, N, heads, tokens, tokens)} (see {@link
   *     #attentionShape})
   * @return the output and the attention probabilities
   * @throws dev.ibex.api.InvalidInputException if the model does not export its attention
   */
  ProbedPass forwardProbed(NDArray input, NDArray probe);

  /**
   * One probed forward pass.
   *
   * @param output the model output, as {@link ExplainableModel#forward} returns it
   * @param attention {@code (blocks, N, heads, tokens, tokens)} probabilities, probe included
   */
  record ProbedPass(NDArray output, NDArray attention) {}

  /**
   * The capability of a model, if its adapter offers it. (A TorchScript adapter always does; the
   * file itself may still lack the methods, which the first call reports.)
   *
   * @param model an explainable model
   * @return the model as an attention-probing model, or empty
   */
  static Optional<AttentionProbing> of(ExplainableModel model) {
    return model instanceof AttentionProbing
        ? Optional.of((AttentionProbing) model)
        : Optional.empty();
  }
}
