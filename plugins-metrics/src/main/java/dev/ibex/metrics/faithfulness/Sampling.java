package dev.ibex.metrics.faithfulness;

import java.util.Random;

/** Random draws shared by the perturbation metrics. */
final class Sampling {
  private Sampling() {}

  /** k distinct indices of 0..n-1, uniformly (a partial Fisher-Yates shuffle). */
  static int[] choose(Random rnd, int n, int k) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return java.util.Arrays.copyOf(all, k);
  }
}
