package dev.sinkscope.app.gui.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.assets.BundledAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The bundled sink phantom and the ground truth its {@code phantom.json} states for the bundled
 * photos.
 */
public final class PhantomTruth {
  private PhantomTruth() {}

  /** The application's bundled models and photos, extracted under {@code cache}. */
  public static BundledAssets assets(Path cache) {
    return new BundledAssets(PhantomTruth.class.getClassLoader(), "dev/sinkscope/assets/", cache);
  }

  /**
   * The planted artifact patches on coffee.png as a row-major mask of a {@code rows x cols} grid.
   */
  public static boolean[] coffeeArtifacts(BundledAssets assets, int rows, int cols)
      throws IOException {
    JsonNode card =
        new ObjectMapper()
            .readTree(assets.model(BundledAssets.PHANTOM).resolve("phantom.json").toFile());
    boolean[] mask = new boolean[rows * cols];
    for (JsonNode photo : card.get("photos")) {
      if (photo.get("photo").asText().equals("coffee.png")) {
        for (JsonNode p : photo.get("positions")) {
          mask[p.get(0).asInt() * cols + p.get(1).asInt()] = true;
        }
        return mask;
      }
    }
    throw new UncheckedIOException(new IOException("phantom.json lists no coffee.png"));
  }

  /** Mean of {@code values} where {@code mask} is {@code inside}. */
  public static double mean(float[] values, boolean[] mask, boolean inside) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < values.length; i++) {
      if (mask[i] == inside) {
        sum += values[i];
        n++;
      }
    }
    return sum / n;
  }
}
