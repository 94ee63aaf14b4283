package dev.sinkscope.app.gui.lessons;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A course as data: steps, each with the app state it talks about and text with placeholders such
 * as {@code {artifactCount}} that the current run fills in. Teachers write their own as JSON
 * (format in the bundled {@value #BUNDLED}) and open them with Help > Lessons > "Open lesson
 * file…".
 *
 * @param title the course title
 * @param intro one paragraph before the first step
 * @param steps the steps, in order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Lesson(String title, String intro, List<Step> steps) {
  public static final String BUNDLED = "attention-sinks.lesson.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  public Lesson {
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("the lesson has no \"title\"");
    }
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("the lesson has no \"steps\"");
    }
    steps = List.copyOf(steps);
    intro = intro == null ? "" : intro;
  }

  /**
   * One step.
   *
   * @param title short heading
   * @param state what the app shows for it
   * @param text paragraphs; a paragraph may be conditional (see {@link Paragraph})
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Step(String title, StepState state, List<Paragraph> text) {
    public Step {
      if (title == null || title.isBlank()) {
        throw new IllegalArgumentException("a step has no \"title\"");
      }
      state = state == null ? StepState.UNCHANGED : state;
      text = text == null ? List.of() : List.copyOf(text);
    }
  }

  /**
   * A paragraph. With {@code when}, {@code text} shows only when the condition holds and {@code
   * otherwise} (if any) when it does not. A condition compares a placeholder with a number or
   * another placeholder ({@code "{artifactCount} > 0"}, operators {@code > >= < <= == !=}), or
   * names a feature ({@code "feature:distill"}) that this build of the app may or may not offer.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Paragraph(String text, String when, String otherwise) {
    public Paragraph {
      text = text == null ? "" : text;
    }
  }

  /**
   * The app state of a step; null fields leave that part as the user has it.
   *
   * @param model a bundled model ({@code sink-phantom}, {@code sink-phantom-registers})
   * @param photo a bundled photo's file name
   * @param block {@code last}, {@code emergence}, {@code first} or a 1-based block number
   * @param head {@code mean}, {@code max} or a 0-based head number
   * @param quantity a quantity name, e.g. {@code PATCH_NORM}, {@code ATTENTION_RECEIVED}, {@code
   *     CLS_ATTENTION}
   * @param mitigations what is switched on (all others off): {@code ttr}, {@code registers-off},
   *     {@code denoise}, {@code normalizer:KIND[:BLOCKS]} (e.g. {@code normalizer:softmax1:4-8});
   *     null leaves them
   * @param compare {@code none}, {@code before-after} or {@code other-model:NAME}
   * @param discoverNeurons true to run "Discover…" on the bundled photos first (once per model);
   *     its neuron map is then the one test-time registers use
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record StepState(
      String model,
      String photo,
      String block,
      String head,
      String quantity,
      List<String> mitigations,
      String compare,
      Boolean discoverNeurons) {
    public static final StepState UNCHANGED =
        new StepState(null, null, null, null, null, null, null, null);
  }

  /** The course shipped with the app. */
  public static Lesson bundled() {
    try (InputStream in = Lesson.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException(BUNDLED + " is missing from the build");
      }
      return JSON.readValue(in, Lesson.class);
    } catch (IOException e) {
      throw new IllegalStateException("the bundled lesson cannot be read: " + e.getMessage(), e);
    }
  }

  /** A lesson file; the message of a failure names the file and the problem. */
  public static Lesson read(Path file) throws IOException {
    try {
      return JSON.readValue(Files.readAllBytes(file), Lesson.class);
    } catch (IOException | IllegalArgumentException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      String problem =
          cause.getMessage() == null
              ? cause.toString()
              : cause.getMessage().lines().findFirst().orElse("");
      throw new IOException(file.getFileName() + " is not a Sinkscope lesson: " + problem, e);
    }
  }
}
