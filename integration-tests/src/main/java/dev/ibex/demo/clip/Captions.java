package dev.ibex.demo.clip;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * The word-level vocabulary of the captions, laid out as CLIP's: padding 0, the start token {@link
 * #SOT} first in every caption, the end token {@link #EOT} the highest id (the text tower pools at
 * the argmax of the ids), captions padded with 0 to {@link #CONTEXT} tokens. Garments are named by
 * one word each, so "a sneaker left of a bag" is exactly {@link #CONTEXT} tokens.
 */
public final class Captions {
  /** Tokens per caption, SOT and EOT included. */
  public static final int CONTEXT = 8;

  /** Padding after EOT. */
  public static final int PAD = 0;

  /** Start of text. */
  public static final int SOT = 1;

  /** The words, from id 2. */
  static final String[] WORDS = {
    "a",
    "left",
    "right",
    "of",
    "t-shirt",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "boot"
  };

  /** End of text: the highest id. */
  public static final int EOT = WORDS.length + 2;

  /** Vocabulary size (ids 0 to {@link #EOT}). */
  public static final int VOCABULARY = EOT + 1;

  private static final int A = 2;
  private static final int LEFT = 3;
  private static final int RIGHT = 4;
  private static final int OF = 5;
  private static final int FIRST_GARMENT = 6;

  private Captions() {}

  /**
   * @param garment a Fashion-MNIST class, 0 to 9
   * @return its word
   */
  public static String word(int garment) {
    return WORDS[FIRST_GARMENT - 2 + garment];
  }

  /**
   * "a X".
   *
   * @param garment the Fashion-MNIST class named
   * @return {@link #CONTEXT} ids
   */
  public static long[] single(int garment) {
    return padded(List.of(SOT, A, FIRST_GARMENT + garment, EOT));
  }

  /**
   * "a X left of a Y" or, the same scene named from the other side, "a Y right of a X".
   *
   * @param left the class on the left
   * @param right the class on the right
   * @param leftFirst whether the caption names the left garment first
   * @return {@link #CONTEXT} ids
   */
  public static long[] pair(int left, int right, boolean leftFirst) {
    int first = leftFirst ? left : right;
    int second = leftFirst ? right : left;
    return padded(
        List.of(
            SOT,
            A,
            FIRST_GARMENT + first,
            leftFirst ? LEFT : RIGHT,
            OF,
            A,
            FIRST_GARMENT + second,
            EOT));
  }

  /**
   * The words of a caption, SOT, EOT and padding left out.
   *
   * @param ids token ids
   * @return e.g. "a sneaker left of a bag"
   */
  public static String text(long[] ids) {
    List<String> words = new ArrayList<>();
    for (long id : ids) {
      if (id >= A && id < EOT) {
        words.add(WORDS[(int) id - 2]);
      }
    }
    return String.join(" ", words);
  }

  /**
   * Each token as text, SOT and EOT as {@code <sot>} and {@code <eot>}, padding as {@code <pad>}.
   *
   * @param ids token ids
   * @return one string per id
   */
  public static List<String> tokens(long[] ids) {
    List<String> out = new ArrayList<>();
    for (long id : ids) {
      out.add(
          id == PAD ? "<pad>" : id == SOT ? "<sot>" : id == EOT ? "<eot>" : WORDS[(int) id - 2]);
    }
    return out;
  }

  private static long[] padded(List<Integer> ids) {
    checkArgument(ids.size() <= CONTEXT, "caption longer than %s tokens", CONTEXT);
    long[] out = new long[CONTEXT];
    for (int i = 0; i < ids.size(); i++) {
      out[i] = ids.get(i);
    }
    return out;
  }
}
