package dev.sinkscope.app.gui.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sinkscope.render.PreprocessGeometry;
import org.junit.jupiter.api.Test;

/** A panorama under a centre crop: the picture says what share of the photo is analysed. */
class CropNoteTest {

  @Test
  void aPanoramaSaysWhatShareOfItTheModelSees() {
    // 4000 x 300 resized to shortest edge 256 (3413 x 256), centre crop 224 x 224
    PreprocessGeometry panorama = new PreprocessGeometry(4000, 300, 3413, 256, 1594, 16, 224, 224);
    assertEquals(
        "The model sees only the centre 6 % of this 4000 x 300 photo (its preprocessing crops it);"
            + " the rest is not analysed.",
        ViewerViewModel.cropNote(panorama));
  }

  @Test
  void theNoteNamesTheFilesSizeWhenTheWindowShowsADownscaledCopy() {
    // the window keeps a 4000 x 300 panorama as a 1280 x 96 photo; the share is the same
    PreprocessGeometry shown = new PreprocessGeometry(1280, 96, 3413, 256, 1594, 16, 224, 224);
    assertEquals(
        "The model sees only the centre 6 % of this 4000 x 300 photo (its preprocessing crops it);"
            + " the rest is not analysed.",
        ViewerViewModel.cropNote(shown, 4000, 300));
  }

  @Test
  void anOrdinaryPhotoGetsNoNote() {
    // coffee.png (600 x 400) under resize 256, crop 224: about half of it; a square photo: 77 %
    assertEquals(
        "",
        ViewerViewModel.cropNote(
            PreprocessGeometry.resizeShorterSideCenterCrop(600, 400, 256, 224, 224)));
    assertEquals(
        "", ViewerViewModel.cropNote(new PreprocessGeometry(256, 256, 256, 256, 16, 16, 224, 224)));
    assertEquals(
        "", ViewerViewModel.cropNote(new PreprocessGeometry(224, 224, 224, 224, 0, 0, 224, 224)));
  }
}
