package dev.ibex.demo.clip;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * Top-1 retrieval among a held-out set of pairs. A retrieved caption (image to text) or image (text
 * to image) counts as correct when its caption is the query's caption word for word: many scenes
 * share a caption ("a bag"), and any of them is as right as the paired one. Chance is the mean
 * share of the set whose caption equals a query's: what a retriever that ranks at random scores.
 *
 * @param imageToText share of images whose nearest caption is theirs
 * @param textToImage share of captions whose nearest image carries them
 * @param chance the expected score of a random ranking
 * @param pairs the size of the held-out set
 */
public record Retrieval(double imageToText, double textToImage, double chance, int pairs) {

  /**
   * Scores embeddings.
   *
   * @param images (N, E) image embeddings (any scale: cosine is used)
   * @param texts (N, E) text embeddings of the paired captions
   * @param captions the pairs' captions, (N * {@link Captions#CONTEXT}) ids
   * @return the retrieval accuracies
   */
  public static Retrieval of(NDArray images, NDArray texts, long[] captions) {
    int n = (int) images.getShape().get(0);
    NDArray i = images.div(images.norm(new int[] {1}, true));
    NDArray t = texts.div(texts.norm(new int[] {1}, true));
    float[] sim = i.matMul(t.transpose()).toFloatArray();
    String[] key = new String[n];
    for (int k = 0; k < n; k++) {
      key[k] =
          Arrays.toString(
              Arrays.copyOfRange(captions, k * Captions.CONTEXT, (k + 1) * Captions.CONTEXT));
    }
    int i2t = 0;
    int t2i = 0;
    double chance = 0;
    for (int q = 0; q < n; q++) {
      int bestText = 0;
      int bestImage = 0;
      int same = 0;
      for (int k = 0; k < n; k++) {
        if (sim[q * n + k] > sim[q * n + bestText]) {
          bestText = k;
        }
        if (sim[k * n + q] > sim[bestImage * n + q]) {
          bestImage = k;
        }
        same += key[k].equals(key[q]) ? 1 : 0;
      }
      i2t += key[bestText].equals(key[q]) ? 1 : 0;
      t2i += key[bestImage].equals(key[q]) ? 1 : 0;
      chance += (double) same / n;
    }
    return new Retrieval((double) i2t / n, (double) t2i / n, chance / n, n);
  }
}
