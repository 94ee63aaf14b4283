package dev.sinkscope.inference.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsFingerprintTest {
  @TempDir Path dir;

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void singleFileHashIsTheFileSha256() throws Exception {
    byte[] weights = "weights of a model".getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("model.safetensors"), weights);

    WeightsFingerprint f = WeightsFingerprint.of(dir);

    assertEquals(sha256(weights), f.sha256());
    assertEquals(
        List.of(
            new WeightsFingerprint.WeightFile(
                "model.safetensors", weights.length, sha256(weights))),
        f.files());
  }

  @Test
  void shardsCombineLikeSha256sumOutput() throws Exception {
    byte[] a = {1, 2, 3};
    byte[] b = {4, 5};
    Files.write(dir.resolve("model-00001-of-00002.safetensors"), a);
    Files.write(dir.resolve("model-00002-of-00002.safetensors"), b);
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"x\": "
            + "\"model-00002-of-00002.safetensors\", \"y\": \"model-00001-of-00002.safetensors\"}}");

    WeightsFingerprint f = WeightsFingerprint.of(dir);

    String lines =
        sha256(a)
            + "  model-00001-of-00002.safetensors\n"
            + sha256(b)
            + "  model-00002-of-00002.safetensors\n";
    assertEquals(sha256(lines.getBytes(StandardCharsets.UTF_8)), f.sha256());
  }

  @Test
  void hubCacheLinkIsHashedByItsBlobName() throws Exception {
    String blobName =
        "f".repeat(64); // not the content's hash: proves the name is used, not the bytes
    Path blob = Files.createDirectories(dir.resolve("blobs")).resolve(blobName);
    Files.write(blob, new byte[] {9, 9, 9});
    Path snapshot = Files.createDirectories(dir.resolve("snapshots").resolve("c".repeat(40)));
    Files.createSymbolicLink(
        snapshot.resolve("model.safetensors"), Path.of("../../blobs/" + blobName));

    assertEquals(blobName, WeightsFingerprint.of(snapshot).sha256());
  }

  @Test
  void differentValuesGiveDifferentHashes() throws Exception {
    Path one = Files.createDirectories(dir.resolve("one"));
    Path two = Files.createDirectories(dir.resolve("two"));
    Files.write(one.resolve("model.safetensors"), new byte[] {1});
    Files.write(two.resolve("model.safetensors"), new byte[] {2});

    assertNotEquals(WeightsFingerprint.of(one), WeightsFingerprint.of(two));
  }

  @Test
  void folderWithoutWeightsIsAnError() {
    IOException e = assertThrows(IOException.class, () -> WeightsFingerprint.of(dir));
    assertEquals(true, e.getMessage().contains("model.safetensors"), e.getMessage());
  }

  @Test
  void inconsistentCombinedHashIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new WeightsFingerprint(
                WeightsFingerprint.METHOD,
                "0".repeat(64),
                List.of(
                    new WeightsFingerprint.WeightFile("model.safetensors", 1, "1".repeat(64)))));
  }
}
