package dev.ibex.demo.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.demo.FashionMnist;
import dev.ibex.demo.LabeledImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The image-caption pairs: exact masks, captions that name the garments, determinism. */
class CaptionedScenesTest {
  static LabeledImages items;
  static CaptionedScenes.Set set;

  @BeforeAll
  static void build() {
    items = FashionMnist.load(FashionMnist.DEFAULT_DIR, false, 200);
    set = CaptionedScenes.of(items, 0.5, 5);
  }

  @Test
  void captionsAreLaidOutAsClipsWithEotTheHighestId() {
    for (int i = 0; i < set.size(); i++) {
      long[] ids = set.caption(i);
      assertThat(ids[0]).isEqualTo(Captions.SOT);
      int eot = 0;
      for (int k = 0; k < ids.length; k++) {
        if (ids[k] == Captions.EOT) {
          eot = k;
        }
      }
      assertThat(eot).isPositive();
      for (int k = 0; k < ids.length; k++) {
        assertThat(ids[k]).isLessThanOrEqualTo(Captions.EOT);
        if (k > eot) {
          assertThat(ids[k]).isEqualTo(Captions.PAD);
        }
      }
    }
  }

  @Test
  void captionsNameTheGarmentsAndTheirSides() {
    int two = 0;
    for (int i = 0; i < set.size(); i++) {
      String caption = Captions.text(set.caption(i));
      int left = set.garments()[2 * i];
      int right = set.garments()[2 * i + 1];
      if (set.objects(i) == 1) {
        assertThat(caption).isEqualTo("a " + Captions.word(left));
      } else {
        two++;
        assertThat(left).isNotEqualTo(right);
        assertThat(caption)
            .isIn(
                "a " + Captions.word(left) + " left of a " + Captions.word(right),
                "a " + Captions.word(right) + " right of a " + Captions.word(left));
      }
      int namedGarment = set.garments()[2 * i + set.namedSlot()[i]];
      assertThat(Captions.text(set.namedCaption(i))).isEqualTo("a " + Captions.word(namedGarment));
    }
    assertThat(two).isBetween(70, 130);
  }

  @Test
  void masksAreExactlyTheVisiblePixelsOfEachGarment() {
    for (int i = 0; i < set.size(); i++) {
      float[] image = set.image(i);
      float[] left = set.mask(i, 0);
      float[] right = set.mask(i, 1);
      int leftArea = 0;
      for (int p = 0; p < image.length; p++) {
        assertThat(left[p] * right[p]).isZero(); // disjoint
        if (left[p] + right[p] > 0) {
          // a garment's pixels are brighter than the threshold; the background never exceeds 0.25
          assertThat(image[p]).isGreaterThan(0.1f);
        } else {
          assertThat(image[p])
              .isLessThanOrEqualTo(
                  CaptionedScenes.BACKGROUND_LOW + CaptionedScenes.BACKGROUND_AMPLITUDE + 1e-6f);
        }
        leftArea += (int) left[p];
      }
      assertThat(leftArea).isPositive();
      if (set.objects(i) == 1) {
        assertThat(right).containsOnly(0f);
      }
    }
    // a single garment's mask is its item's object pixels, shifted
    int i = 0;
    while (set.objects(i) != 1) {
      i++;
    }
    int itemPixels = 0;
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        itemPixels += items.pixel(i, 0, y, x) > 0.1f ? 1 : 0;
      }
    }
    float area = 0;
    for (float v : set.mask(i, 0)) {
      area += v;
    }
    assertThat((int) area).isEqualTo(itemPixels);
  }

  @Test
  void theSameSeedGivesTheSamePairsAndAnotherSeedOthers() {
    CaptionedScenes.Set again = CaptionedScenes.of(items, 0.5, 5);
    assertThat(again.pixels()).isEqualTo(set.pixels());
    assertThat(again.captions()).isEqualTo(set.captions());
    assertThat(again.masks()).isEqualTo(set.masks());
    CaptionedScenes.Set other = CaptionedScenes.of(items, 0.5, 6);
    assertThat(other.pixels()).isNotEqualTo(set.pixels());
  }
}
