package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code denoise}: shift/flip averaging moves the phantom's artifact patches far more than the
 * rest.
 */
@Tag("cross-machine")
class DenoiseCommandTest {
  private static final Path ROCKET =
      Path.of(
          "..",
          "assets",
          "src",
          "main",
          "resources",
          "dev",
          "sinkscope",
          "assets",
          "images",
          "rocket.jpg");

  @TempDir Path tmp;

  @Test
  void artifactPatchesChangeMostUnderShiftFlipAveraging() throws Exception {
    Path json = tmp.resolve("d.json");
    Path png = tmp.resolve("d.png");
    StringWriter err = new StringWriter();
    int code =
        SinkscopeCommand.execute(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "denoise",
            "--model",
            "phantom",
            "--image",
            ROCKET.toString(),
            "--views",
            "6",
            "--seed",
            "3",
            "--json",
            json.toString(),
            "--png",
            png.toString(),
            "--device",
            "cpu");
    assertEquals(0, code, err.toString());
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    assertEquals(6, r.get("views").size());
    assertEquals(0, r.get("views").get(0).get("dy").asInt());
    assertEquals(256, r.get("change").size());
    assertTrue(r.get("artifacts").size() > 0);
    double onArtifacts = r.get("meanChangeOnArtifacts").asDouble();
    double elsewhere = r.get("meanChangeElsewhere").asDouble();
    assertTrue(
        onArtifacts > 3 * elsewhere, "artifacts " + onArtifacts + " vs elsewhere " + elsewhere);
    assertTrue(Files.size(png) > 1000);
  }

  @Test
  void rejectsAnAbsurdViewCount() {
    StringWriter err = new StringWriter();
    int code =
        SinkscopeCommand.execute(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "denoise",
            "--model",
            "phantom",
            "--image",
            ROCKET.toString(),
            "--views",
            "0",
            "--json",
            tmp.resolve("x.json").toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("--views"), err.toString());
  }
}
