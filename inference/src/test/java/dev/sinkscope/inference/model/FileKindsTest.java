package dev.sinkscope.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file that exists but is no file is named for what it is, not reported as missing. */
class FileKindsTest {
  private static final Path TINY = Path.of("..", "testdata", "fixtures", "dinov2-hf");

  @TempDir Path tmp;

  private Path folderWithConfig() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("model"));
    Files.copy(TINY.resolve("config.json"), folder.resolve("config.json"));
    return folder;
  }

  private static String refusal(Path folder) {
    ModelLoadException e =
        assertThrows(ModelLoadException.class, () -> CheckpointReader.open(folder));
    return e.getMessage();
  }

  @Test
  void aFolderNamedModelSafetensors() throws Exception {
    Path folder = folderWithConfig();
    Files.createDirectory(folder.resolve("model.safetensors"));
    String message = refusal(folder);
    assertTrue(message.endsWith("model.safetensors: is a folder, not a regular file"), message);
  }

  @Test
  void aBrokenSymbolicLink() throws Exception {
    Path folder = folderWithConfig();
    Files.createSymbolicLink(folder.resolve("model.safetensors"), tmp.resolve("gone.safetensors"));
    String message = refusal(folder);
    assertTrue(message.contains("model.safetensors: is a broken symbolic link (to "), message);
    assertTrue(
        message.contains("gone.safetensors, which does not exist), not a regular file"), message);
  }

  @Test
  void aNamedPipe() throws Exception {
    Path folder = folderWithConfig();
    Path fifo = folder.resolve("model.safetensors");
    boolean made;
    try {
      made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
    } catch (java.io.IOException e) {
      made = false;
    }
    assumeTrue(made, "mkfifo is not available");
    String message = refusal(folder);
    assertTrue(
        message.endsWith("model.safetensors: is a named pipe (FIFO), not a regular file"), message);
  }

  @Test
  void aCharacterDeviceAsConfig() throws Exception {
    Path devNull = Path.of("/dev/null");
    assumeTrue(Files.exists(devNull), "no /dev/null here");
    assertEquals(
        Optional.of("is a character device, not a regular file"),
        FileKinds.notARegularFile(devNull));
    Path folder = Files.createDirectories(tmp.resolve("linked"));
    Files.createSymbolicLink(folder.resolve("config.json"), devNull);
    String message = refusal(folder);
    assertTrue(message.endsWith("config.json: is a character device, not a regular file"), message);
  }

  @Test
  void regularAndAbsentFilesAreNotOdd() throws Exception {
    assertEquals(Optional.empty(), FileKinds.notARegularFile(TINY.resolve("config.json")));
    assertEquals(Optional.empty(), FileKinds.notARegularFile(tmp.resolve("absent")));
  }
}
