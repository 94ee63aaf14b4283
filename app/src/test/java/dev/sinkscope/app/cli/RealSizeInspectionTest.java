package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ImageSource;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewRequest;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.bench.RandomCheckpoints;
import dev.sinkscope.inference.bench.VitSize;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.render.PatchPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DINOv2 at its native 518 px (37 x 37 patches, 1,370 tokens) on ViT-S- and ViT-B-shaped random
 * checkpoints from the {@code bench} generator: real width, heads and token count, fewer blocks
 * (ViT-S 6, ViT-B 3: still over the 256 MiB full-map budget, so the default capture keeps
 * summaries). Every sink column is filled and equals a forced full-map pass; the window's
 * presentation model shows every quantity with a heatmap and the inspector has sink and CLS numbers
 * at every block.
 */
class RealSizeInspectionTest {
  private static final String PREPROCESSOR_518 =
      """
      {"crop_size": {"height": 518, "width": 518}, "do_center_crop": true, "do_convert_rgb": true,
       "do_normalize": true, "do_rescale": true, "do_resize": true, "image_mean": [0.485, 0.456, 0.406],
       "image_processor_type": "BitImageProcessor", "image_std": [0.229, 0.224, 0.225], "resample": 3,
       "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 518}}
      """;

  @TempDir static Path models;
  @TempDir Path tmp;

  private static Path checkpoint(String shape) throws Exception {
    VitSize size =
        shape.equals("vit-s")
            ? new VitSize("vit-s14-6blocks", VitSize.SMALL.hidden(), 6, VitSize.SMALL.heads())
            : new VitSize("vit-b14-3blocks", VitSize.BASE.hidden(), 3, VitSize.BASE.heads());
    Path folder = RandomCheckpoints.ensure(models, size, 7);
    Files.writeString(folder.resolve("preprocessor_config.json"), PREPROCESSOR_518);
    assertTrue(
        CaptureOptions.fullMapBytes(size.layers(), size.heads(), 1370)
            > CaptureOptions.DEFAULT_FULL_MAP_BUDGET,
        "the default capture keeps summaries for this shape");
    return folder;
  }

  @ParameterizedTest
  @ValueSource(strings = {"vit-s", "vit-b"})
  void compareAndSweepFillEverySinkColumnLikeAFullMapPass(String shape) throws Exception {
    Path model = checkpoint(shape);
    int last = shape.equals("vit-s") ? 5 : 2;
    Path photo = Cli.PHOTOS.resolve("coffee.png");
    for (String capture : List.of("auto", "full")) {
      Cli.offline(tmp)
          .run(
              "compare",
              "--model",
              model,
              "--image",
              photo,
              "--mitigation",
              "attn:kind=sigmoid,layers=" + last,
              "--json",
              tmp.resolve(capture + ".json"),
              "--capture",
              capture,
              "--device",
              "cpu")
          .assertOk();
    }
    JsonNode auto = new ObjectMapper().readTree(tmp.resolve("auto.json").toFile());
    JsonNode full = new ObjectMapper().readTree(tmp.resolve("full.json").toFile());
    assertEquals(37, auto.get("input").get("gridRows").asInt(), auto.get("input").toString());
    JsonNode rows = auto.get("layers");
    assertEquals(last + 1, rows.size());
    for (JsonNode row : rows) {
      for (String side : List.of("before", "after")) {
        for (String column :
            List.of(
                "topSinkToken",
                "topSinkKind",
                "topSinkRatio",
                "sinkMassOnArtifacts",
                "clsCaptureOnArtifacts",
                "clsCaptureOnRegisters")) {
          assertFalse(
              row.get(side).get(column).isNull(), shape + " " + side + " " + column + ": " + row);
        }
      }
    }
    sameJson("compare", full, auto);

    Path images = Files.createDirectories(tmp.resolve("images"));
    Files.copy(photo, images.resolve("coffee.png"));
    for (String capture : List.of("auto", "full")) {
      Cli.offline(tmp)
          .run(
              "sweep",
              "--model",
              model,
              "--images",
              images,
              "--csv",
              tmp.resolve(capture + ".csv"),
              "--capture",
              capture,
              "--device",
              "cpu")
          .assertOk();
    }
    List<String> autoCsv = Files.readAllLines(tmp.resolve("auto.csv"));
    List<String> fullCsv = Files.readAllLines(tmp.resolve("full.csv"));
    List<String> header = List.of(autoCsv.get(0).split(","));
    String[] a = autoCsv.get(1).split(",", -1);
    String[] f = fullCsv.get(1).split(",", -1);
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      // empty by design: no error, no mitigation, and no emergence block on random weights (no
      // artifacts)
      boolean mayBeEmpty =
          name.equals("error") || name.equals("mitigations") || name.equals("emergenceBlock");
      assertTrue(
          mayBeEmpty || !a[i].isEmpty(), shape + " sweep column " + name + " is empty: " + autoCsv);
      if (a[i].matches("-?[0-9.]+(E-?[0-9]+)?")) {
        double x = Double.parseDouble(f[i]);
        assertEquals(x, Double.parseDouble(a[i]), 1e-6 * Math.max(1, Math.abs(x)), name);
      } else {
        assertEquals(f[i], a[i], name);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vit-s", "vit-b"})
  void windowShowsEveryQuantityAndTheInspectorEveryBlockAt518(String shape) throws Exception {
    Path model = checkpoint(shape);
    Fixtures.Recorder recorder = new Fixtures.Recorder();
    try (InferenceService service =
        new InferenceService(Runnable::run, Runnable::run, Fixtures.cpu(), recorder)) {
      service.submit(
          new ViewRequest(
              new ModelLocation.Folder(model),
              new ImageSource.FromFile(Fixtures.coffee()),
              MitigationStack.NONE,
              AnalysisOptions.defaults(),
              CompareTarget.NONE));
      assertTrue(recorder.failures.isEmpty(), recorder.failures.toString());
      ViewerViewModel viewer = new ViewerViewModel();
      viewer.setAttentionRequester(
          (pass, token) -> service.fillAttention(pass, token, viewer::refresh));
      viewer.outcomeProperty().set(recorder.outcomes.get(recorder.outcomes.size() - 1));
      AnalyzedPass pass = viewer.pass();
      assertEquals(37, pass.result().layout().gridRows());
      assertNull(pass.result().block(1).attention(), "518 px keeps summaries, not full maps");
      int blocks = pass.blocks();
      for (int b = 1; b <= blocks; b++) {
        LayerSummary s = pass.report().summaries().get(b - 1);
        assertFalse(Double.isNaN(s.topSinkRatio()), "inspector: top sink of block " + b);
        assertTrue(s.topSinkToken() >= 0, "inspector: top sink token of block " + b);
        assertFalse(Double.isNaN(s.sinkMassOnArtifacts()), "inspector: sink mass of block " + b);
        assertFalse(
            Double.isNaN(s.clsCaptureOnArtifacts()), "inspector: CLS capture of block " + b);
      }
      assertTrue(
          pass.report().notes().stream().noneMatch(n -> n.contains("no attention")),
          pass.report().notes().toString());
      viewer.selectedPatchProperty().set(new PatchPosition(18, 12));
      for (Quantity quantity : Quantity.values()) {
        viewer.quantityProperty().set(quantity);
        for (int b = 1; b <= blocks; b++) {
          viewer.blockProperty().set(b);
          for (HeadChoice head :
              List.of(HeadChoice.MEAN, HeadChoice.MAX, HeadChoice.single(pass.heads() - 1))) {
            viewer.headProperty().set(head);
            RenderedView view = viewer.renderedProperty().get();
            String where = shape + " " + quantity + " block " + b + " " + head;
            assertNotNull(view.map(), where + ": " + view.note());
            if (!quantity.equals(Quantity.PCA_RGB)) {
              assertNotNull(view.map().grid(), where);
              assertNotNull(view.legend(), where + ": a heatmap has a colorbar");
            }
          }
        }
      }
      viewer.quantityProperty().set(Quantity.ATTENTION_RECEIVED);
      viewer.blockProperty().set(blocks);
      assertTrue(viewer.renderedProperty().get().picture() != null);
      assertFalse(
          dev.sinkscope.app.gui.canvas.LayerMaps.markers(pass, blocks, true, true).isEmpty()
              && pass.report().sinks() == null,
          "markers come from the analysis");
    }
  }

  /** Every field of two JSON trees equal; numbers to 1e-6 (relative above 1). */
  private static void sameJson(String where, JsonNode want, JsonNode got) {
    if (want.isNumber() && got.isNumber()) {
      double x = want.asDouble();
      assertEquals(x, got.asDouble(), 1e-6 * Math.max(1, Math.abs(x)), where);
      return;
    }
    assertEquals(want.getNodeType(), got.getNodeType(), where);
    if (want.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sameJson(where + "." + e.getKey(), e.getValue(), got.get(e.getKey()));
      }
    } else if (want.isArray()) {
      assertEquals(want.size(), got.size(), where);
      for (int i = 0; i < want.size(); i++) {
        sameJson(where + "[" + i + "]", want.get(i), got.get(i));
      }
    } else {
      assertEquals(want, got, where);
    }
  }
}
