package dev.sinkscope.app.gui.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Placeholders, conditions and the bundled course's use of them. */
class LessonTextTest {
  private static final Map<String, String> RUN =
      Map.of(
          "artifactCount",
          "9",
          "beforeSinkMass",
          "95.4 %",
          "afterSinkMass",
          "88.5 %",
          "emergenceBlock",
          "none",
          "block",
          "8");

  @Test
  void placeholdersAreFilledAndUnknownOnesShow() {
    assertEquals(
        "9 patches at block 8", LessonText.fill("{artifactCount} patches at block {block}", RUN));
    assertEquals("a " + LessonText.UNKNOWN + " b", LessonText.fill("a {typo} b", RUN));
    assertEquals("{ not a placeholder }", LessonText.fill("{ not a placeholder }", RUN));
  }

  @Test
  void conditionsCompareTheRunsNumbersAndFeatures() {
    assertTrue(LessonText.holds("{artifactCount} > 0", RUN, Set.of()));
    assertFalse(LessonText.holds("{artifactCount} > 9", RUN, Set.of()));
    assertTrue(
        LessonText.holds("{afterSinkMass} < {beforeSinkMass}", RUN, Set.of()),
        "percentages compare");
    assertFalse(LessonText.holds("{emergenceBlock} > 0", RUN, Set.of()), "'none' is not a number");
    assertTrue(LessonText.holds("feature:distill", RUN, Set.of("distill")));
    assertFalse(LessonText.holds("feature:distill", RUN, Set.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> LessonText.holds("artifactCount is big", RUN, Set.of()));
  }

  @Test
  void aParagraphSaysSoWhenTheRunDisagreesWithItsClaim() {
    Lesson.Step step =
        new Lesson.Step(
            "t",
            null,
            List.of(
                new Lesson.Paragraph("Always.", null, null),
                new Lesson.Paragraph(
                    "{artifactCount} artifacts.",
                    "{artifactCount} > 100",
                    "Only {artifactCount}, not many."),
                new Lesson.Paragraph("Distilled too.", "feature:distill", null)));

    assertEquals(
        List.of("Always.", "Only 9, not many."), LessonText.paragraphs(step, RUN, Set.of()));
    assertEquals(
        List.of("Always.", "Only 9, not many.", "Distilled too."),
        LessonText.paragraphs(step, RUN, Set.of("distill")));
  }

  @Test
  void theBundledCourseUsesOnlyKnownPlaceholdersAndValidConditions() {
    Lesson lesson = Lesson.bundled();
    assertEquals(8, lesson.steps().size());
    Set<String> known = new HashSet<>(LessonValues.NAMES);
    known.add("neuronMap");
    for (Lesson.Step step : lesson.steps()) {
      for (Lesson.Paragraph p : step.text()) {
        for (String text : new String[] {p.text(), p.otherwise(), p.when()}) {
          if (text != null) {
            assertTrue(
                known.containsAll(LessonText.placeholders(text)), step.title() + ": " + text);
          }
        }
        if (p.when() != null) {
          LessonText.holds(p.when(), Map.of(), Set.of()); // parses
        }
      }
    }
    assertTrue(
        lesson.steps().get(6).text().stream().anyMatch(p -> "feature:distill".equals(p.when())),
        "step 7 mentions the distilled student only when the app offers it");
  }
}
