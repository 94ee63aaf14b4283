package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.LayerMap;
import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.ModelInfo;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.report.Grids;
import dev.sinkscope.app.report.ImageInput;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.CaptureChoice;
import dev.sinkscope.inference.pipeline.Inspection;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.LayerMetrics;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SelectedPatch;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.ScalarGrid;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Capture mode never changes an answer: every metric column, the whole analysis, every GUI quantity
 * grid (block x head x quantity), the sweep row and every report panel are the same whether the
 * pass kept full maps or only summaries (ADR 0010), to 1e-6 (relative above 1: sums).
 */
class CaptureModeEquivalenceTest {
  private static final double TOLERANCE = 1e-6;

  /**
   * Spearman correlations rank received attention; the phantom plants many tokens with equal
   * attention, and sums a few ulps apart (device float vs host double order) break those ties
   * differently. Every input of the ranks still agrees to {@link #TOLERANCE}.
   */
  private static final double RANK_TOLERANCE = 1e-4;

  @TempDir Path cache;

  /**
   * The analysed pass of one model and photo under one capture choice, with what every consumer
   * reads.
   */
  private record Pass(Inspection inspection, AnalyzedPass view) {}

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dinov2-hf",
        "dinov2-reg-hf",
        "dinov2-timm",
        "vit-hf",
        "clip-vision-hf",
        "phantom",
        "phantom-registers"
      })
  void fullMapsAndSummariesGiveTheSameAnswers(String model) throws Exception {
    Path folder =
        model.startsWith("phantom")
            ? BundledAssets.inCache(cache)
                .model(
                    model.equals("phantom")
                        ? BundledAssets.PHANTOM
                        : BundledAssets.PHANTOM_REGISTERS)
            : Cli.FIXTURES.resolve(model);
    FloatTensor pixels =
        model.startsWith("phantom")
            ? ImageInput.photo(folder, Cli.PHOTOS.resolve("coffee.png")).pixels()
            : ImageInput.readPixels(Cli.FIXTURES.resolve(model).resolve("input.safetensors"));
    AnalysisOptions options = AnalysisOptions.defaults();
    try (InspectionPipeline pipeline = InspectionPipeline.open(folder, "cpu")) {
      Pass full = pass(pipeline, CaptureChoice.FULL, pixels, options, folder);
      Pass summary = pass(pipeline, CaptureChoice.SUMMARY, pixels, options, folder);
      int blocks = full.inspection().result().blocks();
      for (int b = 1; b <= blocks; b++) {
        assertNotNull(
            full.inspection().result().block(b).attention(), "forced full maps keep block " + b);
        assertNull(
            summary.inspection().result().block(b).attention(), "forced summaries drop block " + b);
      }

      // every metric column and the whole analysis (sink scores, CLS maps, rollout, notes)
      List<LayerMetrics> want = full.inspection().metrics();
      List<LayerMetrics> got = summary.inspection().metrics();
      same("metrics", want, got);
      for (LayerMetrics m : got) {
        assertNotNull(m.topSinkRatio(), model + ": topSinkRatio of block " + m.block());
        assertNotNull(
            m.sinkMassOnArtifacts(), model + ": sinkMassOnArtifacts of block " + m.block());
      }
      same("analysis", full.inspection().report(), summary.inspection().report());
      assertNotNull(summary.inspection().report().sinks(), "sink scores from summaries");

      // the sweep row
      same(
          "sweep row",
          SweepCommand.Row.ok("photo", CompareCommand.worst(want), full.inspection().report(), ""),
          SweepCommand.Row.ok(
              "photo", CompareCommand.worst(got), summary.inspection().report(), ""));

      // every GUI quantity grid, block x head x quantity, with a selected patch recomputed exactly
      TokenLayout layout = full.inspection().result().layout();
      int selected = layout.patchToken(layout.gridRows() / 2, layout.gridCols() / 3);
      summary
          .view()
          .attention()
          .fill(
              summary.inspection().attention(),
              selected,
              CancellationToken.NONE,
              ProgressListener.NONE);
      int heads = full.view().heads();
      int compared = 0;
      for (var quantity : dev.sinkscope.app.gui.canvas.Quantity.values()) {
        for (int b = 1; b <= blocks; b++) {
          for (HeadChoice head : HeadChoice.all(heads)) {
            LayerMap a = LayerMaps.map(full.view(), quantity, b, head, selected);
            LayerMap c = LayerMaps.map(summary.view(), quantity, b, head, selected);
            String where = model + " " + quantity + " block " + b + " " + head;
            if (a == null) {
              assertNull(c, where);
              continue;
            }
            assertNotNull(c, where + " is missing from the summary pass");
            same(where, a, c);
            compared++;
          }
        }
        for (int b = 1; b <= blocks; b++) {
          same(
              model + " markers of block " + b,
              LayerMaps.markers(full.view(), b, true, true),
              LayerMaps.markers(summary.view(), b, true, true));
        }
      }
      assertTrue(
          compared >= 6 * blocks * (heads + 2) - 2 * (heads + 2) * blocks, model + ": " + compared);

      // every report panel, block x head
      SelectedPatch patch = new SelectedPatch(layout.gridRows() / 2, layout.gridCols() / 3);
      List<HeadSelection> selections =
          new ArrayList<>(List.of(HeadSelection.MEAN, HeadSelection.MAX));
      for (int h = 0; h < heads; h++) {
        selections.add(HeadSelection.single(h));
      }
      for (Quantity quantity : Quantity.values()) {
        if (quantity.isRgb()
            || quantity == Quantity.CLS_ATTENTION && !layout.hasCls()
            || quantity == Quantity.ROLLOUT && full.inspection().report().rollout() == null) {
          continue;
        }
        for (int b = 1; b <= blocks; b++) {
          for (HeadSelection head : selections) {
            ScalarGrid a =
                Grids.of(
                    quantity,
                    full.inspection().attention(),
                    full.inspection().report(),
                    b,
                    head,
                    patch);
            ScalarGrid c =
                Grids.of(
                    quantity,
                    summary.inspection().attention(),
                    summary.inspection().report(),
                    b,
                    head,
                    patch);
            same(model + " report " + quantity + " block " + b + " " + head, a, c);
          }
        }
      }
    }
  }

  private static Pass pass(
      InspectionPipeline pipeline,
      CaptureChoice capture,
      FloatTensor pixels,
      AnalysisOptions options,
      Path folder) {
    pipeline.clear();
    Inspection inspection =
        pipeline
            .capture(capture)
            .inspect(
                pixels,
                MitigationStack.NONE,
                options,
                CancellationToken.NONE,
                ProgressListener.NONE);
    assertTrue(inspection.finite(), inspection.health().describe());
    ModelInfo info =
        new ModelInfo(
            new ModelLocation.Folder(folder), folder, pipeline.spec(), "cpu", List.of(), false);
    int side = pixels.dim(2);
    AnalyzedPass view =
        new AnalyzedPass(
            capture.name(),
            info,
            MitigationStack.NONE,
            inspection.result(),
            inspection.report(),
            new PreprocessGeometry(side, side, side, side, 0, 0, side, side),
            List.of(),
            0,
            0,
            0);
    return new Pass(inspection, view);
  }

  /**
   * Deep comparison: records by component, arrays and lists by element, numbers to {@link
   * #TOLERANCE}.
   */
  private static void same(String where, Object want, Object got) {
    if (want == null || got == null) {
      assertEquals(want, got, where);
      return;
    }
    if ((want instanceof Double || want instanceof Float) && where.contains(".spearman")) {
      assertEquals(
          ((Number) want).doubleValue(), ((Number) got).doubleValue(), RANK_TOLERANCE, where);
    } else if (want instanceof Double || want instanceof Float) {
      close(where, ((Number) want).doubleValue(), ((Number) got).doubleValue());
    } else if (want instanceof float[] a) {
      float[] b = (float[]) got;
      assertEquals(a.length, b.length, where + " length");
      for (int i = 0; i < a.length; i++) {
        close(where + "[" + i + "]", a[i], b[i]);
      }
    } else if (want instanceof double[] a) {
      double[] b = (double[]) got;
      assertEquals(a.length, b.length, where + " length");
      for (int i = 0; i < a.length; i++) {
        close(where + "[" + i + "]", a[i], b[i]);
      }
    } else if (want instanceof int[] a) {
      assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString((int[]) got), where);
    } else if (want instanceof boolean[] a) {
      assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString((boolean[]) got), where);
    } else if (want instanceof List<?> a) {
      List<?> b = (List<?>) got;
      assertEquals(a.size(), b.size(), where + " size");
      for (int i = 0; i < a.size(); i++) {
        same(where + "[" + i + "]", a.get(i), b.get(i));
      }
    } else if (want instanceof ScalarGrid a) {
      ScalarGrid b = (ScalarGrid) got;
      assertEquals(a.rows(), b.rows(), where);
      assertEquals(a.cols(), b.cols(), where);
      for (int r = 0; r < a.rows(); r++) {
        for (int c = 0; c < a.cols(); c++) {
          close(where + " (" + r + "," + c + ")", a.get(r, c), b.get(r, c));
        }
      }
    } else if (want.getClass().isRecord()) {
      for (RecordComponent component : want.getClass().getRecordComponents()) {
        try {
          same(
              where + "." + component.getName(),
              component.getAccessor().invoke(want),
              component.getAccessor().invoke(got));
        } catch (ReflectiveOperationException e) {
          fail(where + "." + component.getName() + ": " + e);
        }
      }
    } else {
      assertEquals(want, got, where);
    }
  }

  private static void close(String where, double want, double got) {
    if (Double.isNaN(want) || Double.isInfinite(want)) {
      assertEquals(want, got, where);
      return;
    }
    assertEquals(want, got, TOLERANCE * Math.max(1, Math.abs(want)), where);
  }
}
