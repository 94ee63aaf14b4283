package dev.sinkscope.app.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Images written by tests. */
final class TestImages {
  private TestImages() {}

  /**
   * Seeded grey-level noise: every patch is equally busy, so the phantom's flattest-token detector
   * has nothing to single out and the image has no artifacts (measured max/median ≈ 1.2, no
   * artifact patches).
   */
  static Path noise(Path file) throws IOException {
    Random random = new Random(1);
    BufferedImage image = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 300; x++) {
        int v = random.nextInt(256);
        image.setRGB(x, y, v << 16 | v << 8 | v);
      }
    }
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  /** A file named like a photo that is not one. */
  static Path broken(Path file) throws IOException {
    return Files.writeString(file, "not an image");
  }
}
