package dev.sinkscope.app.gui.lessons;

import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A walked lesson as a folder: {@code index.html} (one section per step) and a picture per step
 * beside it.
 */
public final class LessonHtml {
  public static final String INDEX_HTML = "index.html";

  private LessonHtml() {}

  /** One step as it was shown: its filled-in text and the picture on screen (null if none). */
  public record ShownStep(String title, List<String> paragraphs, Raster picture) {}

  /** Writes the folder and returns the files written. */
  public static List<String> write(Path folder, Lesson lesson, List<ShownStep> steps)
      throws IOException {
    Files.createDirectories(folder);
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .append(esc(lesson.title()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n")
        .append("<h1>")
        .append(esc(lesson.title()))
        .append("</h1>\n");
    if (!lesson.intro().isBlank()) {
      h.append("<p class=\"intro\">").append(esc(lesson.intro())).append("</p>\n");
    }
    java.util.List<String> written = new java.util.ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      ShownStep s = steps.get(i);
      h.append("<section class=\"step\" id=\"step-")
          .append(i + 1)
          .append("\">\n<h2>")
          .append(i + 1)
          .append(". ")
          .append(esc(s.title()))
          .append("</h2>\n");
      if (s.picture() != null) {
        String name = "step-" + (i + 1) + ".png";
        PngExport.write(
            s.picture(),
            Map.of("Description", "Sinkscope lesson step " + (i + 1) + ": " + s.title()),
            folder.resolve(name));
        written.add(name);
        h.append("<figure><img src=\"")
            .append(name)
            .append("\" alt=\"")
            .append(esc(s.title()))
            .append("\"></figure>\n");
      }
      for (String p : s.paragraphs()) {
        h.append("<p>").append(esc(p)).append("</p>\n");
      }
      h.append("</section>\n");
    }
    h.append(
            "<footer>Made with Sinkscope (Help &gt; Lessons). The numbers are those of the run shown.</footer>\n")
        .append("</body>\n</html>\n");
    Files.writeString(folder.resolve(INDEX_HTML), h.toString(), StandardCharsets.UTF_8);
    written.add(INDEX_HTML);
    return written;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static final String CSS =
      """
      body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
        line-height: 1.5; color: #1d1d1f; }
      h1 { font-size: 1.7em; } h2 { font-size: 1.3em; border-bottom: 1px solid #ddd; margin-top: 2em; }
      .intro { color: #444; }
      figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
      footer { margin-top: 3em; color: #666; font-size: 0.9em; }
      """;
}
