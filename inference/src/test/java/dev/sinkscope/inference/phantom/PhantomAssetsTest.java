package dev.sinkscope.inference.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped phantom folders are exactly what the generator writes. */
class PhantomAssetsTest {
  static final Path ASSETS = Path.of("..", "assets", "src", "main", "resources", "dev", "sinkscope", "assets");

  @Test
  void shippedPhantomFilesEqualTheGeneratorOutput(@TempDir Path tmp) throws Exception {
    PhantomBuilder.build(ASSETS.resolve("images"), tmp);
    for (String model : List.of(PhantomBuilder.PHANTOM, PhantomBuilder.TWIN)) {
      List<String> generated;
      try (Stream<Path> files = Files.list(tmp.resolve(model))) {
        generated = files.map(p -> p.getFileName().toString()).sorted().toList();
      }
      List<String> shipped;
      try (Stream<Path> files = Files.list(ASSETS.resolve("models").resolve(model))) {
        shipped = files.map(p -> p.getFileName().toString()).sorted().toList();
      }
      assertEquals(generated, shipped, model + ": file list");
      for (String name : generated) {
        assertArrayEquals(Files.readAllBytes(tmp.resolve(model).resolve(name)),
            Files.readAllBytes(ASSETS.resolve("models").resolve(model).resolve(name)),
            model + "/" + name + " differs from the generator's output; regenerate with PhantomBuilder");
      }
    }
  }
}
