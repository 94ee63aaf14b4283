package dev.sinkscope.inference.preprocess;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Paths of the copied reference fixtures under {@code src/test/resources/preprocess}. */
final class TestResources {

  static final String[] FIXTURES = {
    "dinov2-hf", "dinov2-reg-hf", "vit-hf", "clip-vision-hf", "dinov2-timm"
  };

  private TestResources() {}

  static Path path(String relative) {
    URL url = TestResources.class.getResource("/preprocess/" + relative);
    if (url == null) {
      throw new IllegalStateException("test resource preprocess/" + relative + " is missing");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path coffee() {
    return path("images/coffee.png");
  }
}
