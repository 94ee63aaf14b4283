package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("cross-machine")
@Tag("slow")
class SweepCommandTest {
  @TempDir Path tmp;
  private Path images;

  @BeforeEach
  void folderWithArtifactPhotosANoiseImageAndABrokenFile() throws Exception {
    images = Files.createDirectories(tmp.resolve("images"));
    Files.copy(Cli.PHOTOS.resolve("coffee.png"), images.resolve("coffee.png"));
    Files.copy(Cli.PHOTOS.resolve("rocket.jpg"), images.resolve("rocket.jpg"));
    TestImages.noise(images.resolve("noise.png"));
    TestImages.broken(images.resolve("broken.png"));
    Files.writeString(images.resolve("notes.txt"), "not listed: not an image name");
  }

  private static List<String> column(List<String> lines, String name) {
    int index = Arrays.asList(lines.get(0).split(",")).indexOf(name);
    return lines.stream().skip(1).map(l -> parse(l).get(index)).toList();
  }

  /** Splits a CSV line whose only quoted field is the error text. */
  private static List<String> parse(String line) {
    int quote = line.indexOf('"');
    if (quote < 0) {
      return Arrays.asList(line.split(",", -1));
    }
    int end = line.lastIndexOf('"');
    List<String> head = Arrays.asList(line.substring(0, quote).split(",", -1));
    List<String> tail = Arrays.asList(line.substring(end + 1).split(",", -1));
    java.util.ArrayList<String> all = new java.util.ArrayList<>(head.subList(0, head.size() - 1));
    all.add(line.substring(quote + 1, end));
    all.addAll(tail.subList(1, tail.size()));
    return all;
  }

  @Test
  void imagesWithArtifactsRankAboveTheImageWithoutAndTheBrokenOneGetsAnErrorRow() throws Exception {
    Path csv = tmp.resolve("sweep.csv");

    Cli.Result r =
        Cli.offline(tmp)
            .run(
                "sweep",
                "--model",
                "phantom",
                "--images",
                images,
                "--csv",
                csv,
                "--json",
                tmp.resolve("sweep.json"),
                "--device",
                "cpu");

    r.assertOk();
    List<String> lines = Files.readAllLines(csv);
    assertEquals(SweepCommand.COLUMNS, Arrays.asList(lines.get(0).split(",")));
    assertEquals(
        List.of("rocket.jpg", "coffee.png", "noise.png", "broken.png"), column(lines, "image"));
    assertEquals(List.of("1", "2", "3", ""), column(lines, "rank"));
    assertEquals(List.of("ok", "ok", "ok", "error"), column(lines, "status"));
    assertEquals(List.of("9", "9", "0", ""), column(lines, "artifactCount"));
    assertTrue(Double.parseDouble(column(lines, "maxOverMedian").get(1)) > 4);
    assertTrue(Double.parseDouble(column(lines, "maxOverMedian").get(2)) < 2);
    assertTrue(column(lines, "error").get(3).contains("broken.png"), lines.get(4));
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("sweep.json").toFile());
    assertEquals("rocket.jpg", json.get(0).get("image").asText());
    assertEquals(4, json.get(1).get("emergenceBlock").asInt());
  }

  @Test
  void withTestTimeRegistersNoImageKeepsItsArtifacts() throws Exception {
    Path csv = tmp.resolve("sweep.csv");

    Cli.offline(tmp)
        .run(
            "sweep",
            "--model",
            "phantom",
            "--images",
            images,
            "--csv",
            csv,
            "--mitigation",
            "ttr",
            "--device",
            "cpu")
        .assertOk();

    List<String> lines = Files.readAllLines(csv);
    for (String ratio : column(lines, "maxOverMedian").subList(0, 3)) {
      assertTrue(Double.parseDouble(ratio) < 2, lines.toString());
    }
    assertEquals("ttr:registers=1", column(lines, "mitigations").get(0));
  }

  @Test
  void randomFixtureModelHasNoArtifactsOnTheBundledPhotos() throws Exception {
    Path csv = tmp.resolve("sweep.csv");

    Cli.offline(tmp)
        .run(
            "sweep",
            "--model",
            Cli.FIXTURES.resolve("dinov2-hf"),
            "--images",
            "bundled",
            "--csv",
            csv,
            "--rule",
            "median-ratio",
            "--device",
            "cpu")
        .assertOk();

    List<String> lines = Files.readAllLines(csv);
    assertEquals(6, lines.size());
    assertEquals(List.of("0", "0", "0", "0", "0"), column(lines, "artifactCount"));
  }

  @Test
  void batchedSweepRanksAndMeasuresLikeOneImageAtATime() throws Exception {
    Path single = tmp.resolve("single.csv");
    Path batched = tmp.resolve("batched.csv");
    Files.copy(Cli.PHOTOS.resolve("coffee.png"), images.resolve("coffee-again.png"));

    Cli.offline(tmp)
        .run(
            "sweep",
            "--model",
            "phantom",
            "--images",
            images,
            "--csv",
            single,
            "--batch",
            "1",
            "--device",
            "cpu")
        .assertOk();
    Cli.offline(tmp)
        .run(
            "sweep",
            "--model",
            "phantom",
            "--images",
            images,
            "--csv",
            batched,
            "--batch",
            "3",
            "--device",
            "cpu")
        .assertOk();

    List<String> one = Files.readAllLines(single);
    List<String> three = Files.readAllLines(batched);
    assertEquals(column(one, "image"), column(three, "image"));
    assertEquals(column(one, "artifactCount"), column(three, "artifactCount"));
    assertEquals(column(one, "worstBlock"), column(three, "worstBlock"));
    assertEquals(List.of("ok", "ok", "ok", "ok", "error"), column(three, "status"));
    for (String metric :
        List.of(
            "maxOverMedian",
            "sinkMassOnArtifacts",
            "clsCaptureOnArtifacts",
            "topSinkRatio",
            "patchNormMax")) {
      List<String> a = column(one, metric);
      List<String> b = column(three, metric);
      for (int i = 0; i < 4; i++) {
        // an empty column is a metric that went missing (a share on no artifacts is 0, not empty)
        assertFalse(
            a.get(i).isEmpty(),
            metric + " of " + column(one, "image").get(i) + " is empty: " + one);
        assertFalse(
            b.get(i).isEmpty(),
            metric + " of " + column(three, "image").get(i) + " is empty: " + three);
        double x = Double.parseDouble(a.get(i));
        double y = Double.parseDouble(b.get(i));
        assertEquals(
            x, y, 1e-5 * Math.max(1, Math.abs(x)), metric + " of " + column(one, "image").get(i));
      }
    }
  }

  /**
   * Every column of every ok row is filled; the phantom plants 3 to 9 artifacts on each bundled
   * photo.
   */
  @Test
  void phantomOnTheBundledPhotosFillsEverySinkColumn() throws Exception {
    Path csv = tmp.resolve("bundled.csv");

    Cli.offline(tmp)
        .run("sweep", "--model", "phantom", "--images", "bundled", "--csv", csv, "--device", "cpu")
        .assertOk();

    List<String> lines = Files.readAllLines(csv);
    assertEquals(6, lines.size(), lines.toString());
    for (String name : SweepCommand.COLUMNS) {
      if (name.equals("error") || name.equals("mitigations")) {
        continue; // empty by design on an unmitigated run without errors
      }
      List<String> values = column(lines, name);
      for (int i = 0; i < values.size(); i++) {
        assertFalse(
            values.get(i).isEmpty(),
            name + " is empty in row " + (i + 1) + ": " + lines.get(i + 1));
      }
    }
    for (String count : column(lines, "artifactCount")) {
      assertTrue(Integer.parseInt(count) >= 3, lines.toString());
    }
    for (String share : column(lines, "sinkMassOnArtifacts")) {
      double mass = Double.parseDouble(share);
      assertTrue(mass > 0 && mass <= 1, lines.toString());
    }
    for (String kind : column(lines, "topSinkKind")) {
      assertTrue(List.of("CLS", "PATCH", "REGISTER").contains(kind), lines.toString());
    }
  }

  @Test
  void batchBelowOneIsRefused() throws Exception {
    Cli.offline(tmp)
        .run(
            "sweep",
            "--model",
            "phantom",
            "--images",
            images,
            "--csv",
            tmp.resolve("s.csv"),
            "--batch",
            "0")
        .assertOneLineError("sweep", "--batch must be >= 1");
  }

  @Test
  void folderWithoutImagesIsOneClearLine() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Cli.offline(tmp)
        .run("sweep", "--model", "phantom", "--images", empty, "--csv", tmp.resolve("s.csv"))
        .assertOneLineError("sweep", "holds no image files");
  }
}
