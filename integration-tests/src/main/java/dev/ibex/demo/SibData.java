package dev.ibex.demo;

/**
 * The S-IB experiment's splits: training, validation and test scenes with the class-correlated
 * background cue, and cue-shuffled copies of the validation and test garments. Validation garments
 * come from the Fashion-MNIST training split after the training garments; test garments from its
 * test split.
 *
 * @param train training scenes
 * @param valid validation scenes (cue as in training)
 * @param validShifted the validation garments with the texture independent of the class
 * @param test test scenes (cue as in training)
 * @param testShifted the test garments with the texture independent of the class
 */
public record SibData(
    CuedScenes.Set train,
    CuedScenes.Set valid,
    CuedScenes.Set validShifted,
    CuedScenes.Set test,
    CuedScenes.Set testShifted) {

  /**
   * Builds the splits from Debian's Fashion-MNIST.
   *
   * @param c the configuration
   * @return the splits
   */
  public static SibData of(SibConfig c) {
    LabeledImages items =
        FashionMnist.load(FashionMnist.DEFAULT_DIR, true, c.trainSize() + c.validSize());
    LabeledImages testItems = FashionMnist.load(FashionMnist.DEFAULT_DIR, false, c.testSize());
    LabeledImages trainItems = items.range(0, c.trainSize());
    LabeledImages validItems = items.range(c.trainSize(), items.size());
    long s = c.dataSeed() * 1000;
    return new SibData(
        CuedScenes.of(trainItems, c.canvas(), c.cue(), s + 1),
        CuedScenes.of(validItems, c.canvas(), c.cue(), s + 2),
        CuedScenes.of(validItems, c.canvas(), CuedScenes.NO_CUE, s + 3),
        CuedScenes.of(testItems, c.canvas(), c.cue(), s + 4),
        CuedScenes.of(testItems, c.canvas(), CuedScenes.NO_CUE, s + 5));
  }

  /**
   * The same splits with only the first {@code n} training scenes (for short selection runs).
   *
   * @param n training scenes kept
   * @return the splits
   */
  public SibData head(int n) {
    LabeledImages images = train.images().head(n);
    int[] textures = java.util.Arrays.copyOf(train.textures(), images.size());
    return new SibData(
        new CuedScenes.Set(images, textures), valid, validShifted, test, testShifted);
  }
}
