package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.report.BlockView;
import dev.sinkscope.app.report.StrongestSink;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.render.Marker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window and {@code report} name the same strongest sink, with the same number, and ring the
 * same patches.
 */
class StrongestSinkAgreementTest {

  @Test
  void reportCaptionAndInspectorAgreeWithTestTimeRegistersOn() {
    AnalyzedPass pass =
        Fixtures.outcome(
                Fixtures.DINOV2,
                MitigationStack.of(TestTimeRegisters.reference(Fixtures.ttrNeurons())),
                CompareTarget.NONE)
            .primary();
    var report = pass.report();
    var layout = pass.result().layout();
    assertEquals(1, layout.testTimeRegisters());
    for (int block = 1; block <= pass.blocks(); block++) {
      LayerSummary s = report.summaries().get(block - 1);
      StrongestSink top = StrongestSink.at(report, block);
      assertNotNull(top, "block " + block);
      // the inspector's "Top sink" row is top.describe(layout); it is the block's own summary
      assertEquals(s.topSinkToken(), top.token());
      assertEquals(s.topSinkRatio(), top.ratio());
      String caption = BlockView.caption("coffee.png", report, block);
      assertTrue(caption.contains("strongest sink: " + top.describe(layout)), caption);
      if (layout.kindOf(top.token()) != TokenKind.PATCH
          && !StrongestSink.sinkPatches(report, block).isEmpty()) {
        assertTrue(
            caption.contains("; ring 1: patch ("), "the numbered ring is named too: " + caption);
      }

      List<Marker> reportSinks =
          BlockView.markers(report, block).stream()
              .filter(m -> m.kind() == Marker.Kind.SINK)
              .toList();
      assertEquals(
          LayerMaps.markers(pass, block, false, true),
          reportSinks,
          "report and window ring the same sink patches with the same numbers at block " + block);
    }
  }

  @Test
  void patchesAreWrittenOneWay() {
    AnalyzedPass pass = Fixtures.outcome(Fixtures.DINOV2).primary();
    var layout = pass.result().layout();
    int token = layout.firstPatchIndex() + 2 * layout.gridCols() + 5;
    assertEquals("patch (2, 5)", LayerMaps.tokenName(layout, token));
    assertEquals("patch (2, 5)", StrongestSink.patchName(2, 5));
  }
}
