package dev.sinkscope.inference.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("cross-machine")
class SessionFileTest {
  private static final String HASH = "a".repeat(64);
  private static final WeightsFingerprint WEIGHTS =
      new WeightsFingerprint(
          WeightsFingerprint.METHOD,
          HASH,
          List.of(new WeightsFingerprint.WeightFile("model.safetensors", 10, HASH)));

  @TempDir Path dir;

  private static SessionFile session(
      ModelReference model, ViewSettings view, List<String> mitigations, CompareMode compare) {
    return SessionFile.of(
        model,
        new ImageReference("photos/coffee.png", "b".repeat(64)),
        view,
        mitigations,
        "maps/ttr.json",
        compare);
  }

  @Test
  void writtenSessionReadsBackEqual() throws IOException {
    SessionFile original =
        session(
            ModelReference.hub("facebook/dinov2-small", "c".repeat(40), WEIGHTS),
            new ViewSettings(
                3,
                HeadSelection.single(2),
                Quantity.CLS_ATTENTION,
                "magma",
                NormalizationSpec.parse("percentile:2:98"),
                null),
            List.of("ttr", "attn:kind=softmax1"),
            CompareMode.BEFORE_AFTER);
    Path file = dir.resolve("s.json");

    original.write(file);

    assertEquals(original, SessionFile.read(file));
  }

  @Test
  void jsonUsesTheDocumentedNames() throws IOException {
    Path file = dir.resolve("s.json");
    session(
            ModelReference.bundled("phantom", WEIGHTS),
            ViewSettings.DEFAULT,
            List.of("ttr"),
            CompareMode.BEFORE_AFTER)
        .write(file);

    String json = Files.readString(file);

    for (String fragment :
        List.of(
            "\"format\" : \"sinkscope-session\"",
            "\"schemaVersion\" : 1",
            "\"source\" : \"bundled\"",
            "\"method\" : \"sha256-of-weight-files\"",
            "\"head\" : \"mean\"",
            "\"quantity\" : \"patch-norm\"",
            "\"normalization\" : \"min-max\"",
            "\"compare\" : \"before-after\"")) {
      assertTrue(json.contains(fragment), fragment + " in " + json);
    }
    assertTrue(
        json.indexOf("\"format\"") < json.indexOf("\"model\"") && json.endsWith("}\n"), json);
  }

  @Test
  void writingTwiceGivesIdenticalBytes() throws IOException {
    SessionFile s =
        session(
            ModelReference.folder("../models/m", WEIGHTS),
            ViewSettings.DEFAULT,
            List.of(),
            CompareMode.NONE);
    s.write(dir.resolve("a.json"));
    s.write(dir.resolve("b.json"));

    assertEquals(Files.readString(dir.resolve("a.json")), Files.readString(dir.resolve("b.json")));
  }

  @Test
  void relativePathsResolveAgainstTheSessionFolder() {
    Path sessionFile = dir.resolve("sessions").resolve("s.json");
    SessionFile s =
        session(
            ModelReference.folder("../models/m", WEIGHTS),
            ViewSettings.DEFAULT,
            List.of(),
            CompareMode.NONE);

    assertEquals(
        dir.resolve("sessions/photos/coffee.png").toAbsolutePath(), s.imagePath(sessionFile));
    assertEquals(dir.resolve("models/m").toAbsolutePath(), s.modelFolder(sessionFile));
    assertEquals(
        dir.resolve("sessions/maps/ttr.json").toAbsolutePath(), s.neuronsPath(sessionFile));
  }

  @Test
  void storedPathIsRelativeInsideTheSessionFolderAndAbsoluteOutside() {
    Path sessionFile = dir.resolve("sessions").resolve("s.json");

    assertEquals(
        "photos/coffee.png",
        SessionFile.storedPath(sessionFile, dir.resolve("sessions/photos/coffee.png")));
    assertEquals(
        dir.resolve("elsewhere/x.png").toAbsolutePath().toString(),
        SessionFile.storedPath(sessionFile, dir.resolve("elsewhere/x.png")));
  }

  @Test
  void newerSchemaVersionIsRefusedNamingTheVersion() throws IOException {
    Path file = dir.resolve("s.json");
    Files.writeString(file, "{\"format\": \"sinkscope-session\", \"schemaVersion\": 3}");

    IOException e = assertThrows(IOException.class, () -> SessionFile.read(file));

    assertTrue(
        e.getMessage().contains("schemaVersion 3") && e.getMessage().contains("update"),
        e.getMessage());
  }

  @Test
  void sessionsWithoutTheNewFieldsAreStillWrittenAsVersion1() {
    SessionFile s =
        session(
            ModelReference.bundled("phantom", WEIGHTS),
            new ViewSettings(
                2,
                HeadSelection.MAX,
                Quantity.CLS_ATTENTION,
                "magma",
                NormalizationSpec.MIN_MAX,
                null),
            List.of("ttr"),
            CompareMode.BEFORE_AFTER);

    assertEquals(1, s.schemaVersion());
    assertTrue(s.toJson().contains("\"schemaVersion\" : 1"), s.toJson());
  }

  @Test
  void aVersion1FileStillReads() throws IOException {
    Path file = dir.resolve("v1.json");
    Files.writeString(
        file,
        "{\"format\": \"sinkscope-session\", \"schemaVersion\": 1,"
            + " \"model\": {\"source\": \"bundled\", \"id\": \"phantom\", \"weights\": {\"method\":"
            + " \"sha256-of-weight-files\", \"sha256\": \""
            + HASH
            + "\", \"files\": [{\"name\":"
            + " \"model.safetensors\", \"bytes\": 10, \"sha256\": \""
            + HASH
            + "\"}]}},"
            + " \"image\": {\"path\": \"p.png\", \"sha256\": \""
            + HASH
            + "\"},"
            + " \"view\": {\"layer\": 4, \"head\": \"2\", \"quantity\": \"attention-received\"},"
            + " \"mitigations\": [\"ttr\"], \"compare\": \"before-after\"}");

    SessionFile s = SessionFile.read(file);

    assertEquals(1, s.schemaVersion());
    assertEquals(Quantity.ATTENTION_RECEIVED, s.view().quantity());
    assertEquals(null, s.view().patch());
    assertEquals(null, s.modelB());
    assertEquals(CompareMode.BEFORE_AFTER, s.compare());
  }

  @Test
  void newQuantitiesPatchAndModelBRoundTripAsVersion2() throws IOException {
    for (Quantity q : Quantity.values()) {
      SessionFile original =
          SessionFile.of(
              ModelReference.bundled("phantom", WEIGHTS),
              new ImageReference("p.png", HASH),
              new ViewSettings(
                  3,
                  HeadSelection.single(1),
                  q,
                  "magma",
                  NormalizationSpec.MIN_MAX,
                  q.needsPatch() ? new SelectedPatch(2, 5) : null),
              List.of(),
              null,
              CompareMode.OTHER_MODEL,
              ModelReference.folder("../twin", WEIGHTS));
      Path file = dir.resolve(q.key() + ".json");

      original.write(file);
      SessionFile read = SessionFile.read(file);

      assertEquals(original, read, q.key());
      assertEquals(2, read.schemaVersion(), q.key());
      assertEquals(dir.getParent().resolve("twin").toAbsolutePath(), read.modelBFolder(file));
    }
    String json = Files.readString(dir.resolve("attends-to.json"));
    for (String fragment :
        List.of(
            "\"quantity\" : \"attends-to\"",
            "\"row\" : 2",
            "\"col\" : 5",
            "\"compare\" : \"other-model\"",
            "\"modelB\" : {")) {
      assertTrue(json.contains(fragment), fragment + " in " + json);
    }
  }

  @Test
  void version1CannotCarryVersion2Fields() throws IOException {
    Path file = dir.resolve("s.json");
    SessionFile rollout =
        session(
            ModelReference.bundled("phantom", WEIGHTS),
            new ViewSettings(0, null, Quantity.ROLLOUT, null, null, null),
            List.of(),
            CompareMode.NONE);
    Files.writeString(
        file, rollout.toJson().replace("\"schemaVersion\" : 2", "\"schemaVersion\" : 1"));

    IOException e = assertThrows(IOException.class, () -> SessionFile.read(file));

    assertTrue(e.getMessage().contains("schemaVersion 2"), e.getMessage());
  }

  @Test
  void patchQuantitiesNeedAPatchAndOtherModelNeedsModelB() {
    IllegalArgumentException noPatch =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ViewSettings(1, null, Quantity.ATTENDED_BY, null, null, null));
    assertTrue(noPatch.getMessage().contains("view.patch"), noPatch.getMessage());
    IllegalArgumentException noModelB =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                session(
                    ModelReference.bundled("phantom", WEIGHTS),
                    ViewSettings.DEFAULT,
                    List.of(),
                    CompareMode.OTHER_MODEL));
    assertTrue(noModelB.getMessage().contains("modelB"), noModelB.getMessage());
  }

  @Test
  void otherJsonIsNotASession() throws IOException {
    Path file = dir.resolve("s.json");
    Files.writeString(file, "{\"register_neurons\": [[3, 137]]}");

    IOException e = assertThrows(IOException.class, () -> SessionFile.read(file));

    assertTrue(e.getMessage().contains("not a Sinkscope session"), e.getMessage());
  }

  @Test
  void invalidFieldIsReportedWithItsMeaning() throws IOException {
    Path file = dir.resolve("s.json");
    SessionFile valid =
        session(
            ModelReference.bundled("phantom", WEIGHTS),
            ViewSettings.DEFAULT,
            List.of(),
            CompareMode.NONE);
    Files.writeString(file, valid.toJson().replace("\"mean\"", "\"all of them\""));

    IOException e = assertThrows(IOException.class, () -> SessionFile.read(file));

    assertTrue(
        e.getMessage().contains("head must be mean, max or a 0-based head number"), e.getMessage());
  }

  @Test
  void unknownFieldIsAnErrorNamingIt() throws IOException {
    Path file = dir.resolve("s.json");
    SessionFile valid =
        session(
            ModelReference.bundled("phantom", WEIGHTS),
            ViewSettings.DEFAULT,
            List.of(),
            CompareMode.NONE);
    Files.writeString(
        file, valid.toJson().replace("\"compare\"", "\"selectedPatch\" : [1, 2],\n  \"compare\""));

    IOException e = assertThrows(IOException.class, () -> SessionFile.read(file));

    assertTrue(e.getMessage().contains("selectedPatch"), e.getMessage());
  }

  @Test
  void beforeAfterWithoutMitigationsIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                session(
                    ModelReference.bundled("phantom", WEIGHTS),
                    ViewSettings.DEFAULT,
                    List.of(),
                    CompareMode.BEFORE_AFTER));

    assertTrue(e.getMessage().contains("needs at least one mitigation"), e.getMessage());
  }

  @Test
  void changedImageIsNoticed() throws IOException {
    Path sessionFile = dir.resolve("s.json");
    Path photo = Files.writeString(dir.resolve("p.png"), "pixels");
    SessionFile s =
        SessionFile.of(
            ModelReference.bundled("phantom", WEIGHTS),
            ImageReference.of(photo, "p.png"),
            ViewSettings.DEFAULT,
            List.of(),
            null,
            CompareMode.NONE);
    s.verifyImage(sessionFile);

    Files.writeString(photo, "other pixels");

    IOException e = assertThrows(IOException.class, () -> s.verifyImage(sessionFile));
    assertTrue(e.getMessage().contains("changed since the session was saved"), e.getMessage());
  }

  @Test
  void normalisationTextRoundTrips() {
    for (String text :
        List.of("min-max", "log", "percentile:1:99", "percentile:2.5:97.5", "fixed:0:1")) {
      assertEquals(text, NormalizationSpec.parse(text).toString());
    }
    assertEquals("percentile:1:99", NormalizationSpec.parse("percentile").toString());
    assertThrows(IllegalArgumentException.class, () -> NormalizationSpec.parse("fixed:2:1"));
    assertThrows(IllegalArgumentException.class, () -> NormalizationSpec.parse("zscore"));
  }

  @Test
  void layerZeroMeansTheLastBlock() {
    assertEquals(8, ViewSettings.DEFAULT.blockIn(8));
    assertEquals(3, new ViewSettings(3, null, null, null, null, null).blockIn(8));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ViewSettings(9, null, null, null, null, null).blockIn(8));
  }
}
