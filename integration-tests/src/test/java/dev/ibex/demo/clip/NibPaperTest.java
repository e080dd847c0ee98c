package dev.ibex.demo.clip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The paper's Table 2 as transcribed, and which rows it has NIB winning. */
class NibPaperTest {
  @Test
  void valuesAreThePrintedOnes() {
    assertThat(NibPaper.value("nib", "image", "confidence-drop").orElseThrow())
        .containsExactly(0.9439, 0.9012, 1.4495);
    assertThat(NibPaper.value("m2ib", "text", "confidence-increase").orElseThrow())
        .containsExactly(37.4, 25.4, 34.7);
    assertThat(NibPaper.value("rise", "text", "fps").orElseThrow())
        .containsExactly(0.1, 0.1084, 0.1076);
    assertThat(NibPaper.value("occlusion", "image", "confidence-drop")).isEmpty();
  }

  @Test
  void nibWinsARowOnlyWhereItIsBetterOrEqualOnEveryDataSet() {
    assertThat(NibPaper.nibBetter("m2ib", "image", "confidence-drop")).contains(true);
    // ImageNet: RISE 54 > NIB 53.1
    assertThat(NibPaper.nibBetter("rise", "image", "confidence-increase")).contains(false);
    // Flickr8k: NIB ties M2IB at 28.1
    assertThat(NibPaper.nibBetter("m2ib", "image", "confidence-increase")).contains(true);
    assertThat(NibPaper.nibBetter("chefer", "text", "confidence-increase")).contains(false);
  }
}
