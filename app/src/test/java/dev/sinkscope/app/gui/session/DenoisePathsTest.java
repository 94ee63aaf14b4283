package dev.sinkscope.app.gui.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.cli.SinkscopeCommand;
import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.Denoised;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window and the {@code denoise} command average the same final features: both ask {@link
 * InspectionPipeline#denoise}, so for one model, photo, view count and seed the views, the averaged
 * features and the per-patch change agree exactly.
 */
@Tag("cross-machine")
@Tag("slow")
class DenoisePathsTest {
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
  void commandLineAndWindowGiveTheSameDenoisedFeatures() throws Exception {
    Path model = PhantomTruth.assets(tmp.resolve("assets")).model(BundledAssets.PHANTOM);

    Path json = tmp.resolve("d.json");
    StringWriter err = new StringWriter();
    int code =
        SinkscopeCommand.execute(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "denoise",
            "--model",
            model.toString(),
            "--image",
            ROCKET.toString(),
            "--views",
            "5",
            "--seed",
            "11",
            "--json",
            json.toString(),
            "--device",
            "cpu");
    assertEquals(0, code, err.toString());
    JsonNode cli = new ObjectMapper().readTree(json.toFile());

    ViewOutcome window =
        Fixtures.compute(
            new ViewRequest(
                new ModelLocation.Folder(model),
                new ImageSource.FromFile(ROCKET),
                MitigationStack.NONE,
                AnalysisOptions.defaults(),
                CompareTarget.NONE,
                Denoising.of(5, 11)));
    FinalFeatures features = window.primary().finalFeatures();
    assertEquals(5, features.views());

    float[] cliChange = new float[cli.get("change").size()];
    for (int i = 0; i < cliChange.length; i++) {
      cliChange[i] = (float) cli.get("change").get(i).asDouble();
    }
    assertEquals(256, cliChange.length);
    assertTrue(max(cliChange) > 0, "the average differs from the single pass somewhere");
    assertArrayEquals(cliChange, features.change(), 1e-6f, "per-patch change ||x - x_avg||");

    // the averaged features themselves: the window's final token norms are the pipeline's average's
    try (InspectionPipeline pipeline = InspectionPipeline.open(model, "cpu")) {
      Denoised direct =
          pipeline.denoise(
              pipeline.preprocess(ROCKET).pixelValues(),
              MitigationStack.NONE,
              5,
              11,
              CancellationToken.NONE,
              (done, all) -> {});
      List<String> views = new ArrayList<>();
      direct.views().forEach(v -> views.add(v.dy() + "," + v.dx() + "," + v.flipped()));
      List<String> cliViews = new ArrayList<>();
      cli.get("views")
          .forEach(
              v ->
                  cliViews.add(
                      v.get("dy").asInt()
                          + ","
                          + v.get("dx").asInt()
                          + ","
                          + v.get("flipped").asBoolean()));
      assertEquals(views, cliViews);
      int d = direct.features().dim(1);
      int first = window.primary().result().layout().firstPatchIndex();
      for (int p = 0; p < 256; p++) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
          double x = direct.features().data()[p * d + k];
          sum += x * x;
        }
        assertEquals(
            Math.sqrt(sum),
            features.tokenNorms()[first + p],
            1e-5 * Math.max(1, Math.sqrt(sum)),
            "final norm of patch " + p);
      }
      assertArrayEquals(direct.change(), cliChange, 1e-6f);
    }
  }

  private static float max(float[] values) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
