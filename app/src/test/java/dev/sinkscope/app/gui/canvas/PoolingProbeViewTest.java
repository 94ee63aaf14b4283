package dev.sinkscope.app.gui.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.inference.result.ClsLikeQuery;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import org.junit.jupiter.api.Test;

/**
 * The CLS-attention view of a model without CLS (SigLIP) shows the pooling probe's attention, named
 * so, at the last block only; a model with CLS (DINOv3) keeps token 0's row.
 */
class PoolingProbeViewTest {

  private static ViewerViewModel viewer(String fixture) {
    ViewerViewModel vm = new ViewerViewModel();
    vm.outcomeProperty().set(Fixtures.outcome(Fixtures.FIXTURES.resolve(fixture)));
    vm.quantityProperty().set(Quantity.CLS_ATTENTION);
    return vm;
  }

  /** Head mean of per-head rows {@code [H, T]} over the patch tokens. */
  private static float[] patchMean(float[] rows, TokenLayout layout) {
    int t = layout.totalTokens();
    int heads = rows.length / t;
    float[] out = new float[layout.patchCount()];
    for (int p = 0; p < out.length; p++) {
      for (int h = 0; h < heads; h++) {
        out[p] += rows[h * t + layout.firstPatchIndex() + p] / heads;
      }
    }
    return out;
  }

  @Test
  void siglipShowsThePoolingProbeAtTheLastBlock() {
    ViewerViewModel vm = viewer("siglip-vision-hf");
    AnalyzedPass pass = vm.outcomeProperty().get().primary();
    TokenLayout layout = pass.result().layout();
    assertTrue(pass.result().clsLikeQuery().isProbe());

    RenderedView view = vm.renderedProperty().get();

    assertTrue(view.caption().startsWith("Pooling-probe attention · block 4 of 4"), view.caption());
    FloatTensor probe = pass.result().debug().get(ClsLikeQuery.PROBE_ATTENTION); // [1, H, 1, T]
    float[] want = patchMean(probe.data(), layout);
    float[] got = view.map().grid().values();
    for (int p = 0; p < want.length; p++) {
      assertEquals(want[p], got[p], 1e-6);
    }
    assertEquals("A[probe, j]", LayerMaps.symbol(pass, Quantity.CLS_ATTENTION));
    assertEquals(
        "Pooling-probe attention",
        vm.quantityName(Quantity.CLS_ATTENTION),
        "the quantity menu's name");
    assertEquals("Pooling-probe capture", LayerMaps.captureMetricName(layout));
    assertNotNull(
        LayerMaps.map(pass, Quantity.ROLLOUT, 4, HeadChoice.MEAN, -1),
        "rollout from the probe row");

    vm.blockProperty().set(2);
    RenderedView earlier = vm.renderedProperty().get();
    assertNull(earlier.map());
    assertTrue(earlier.note().contains("pooling probe reads only the last block"), earlier.note());
  }

  @Test
  void dinov3KeepsTheClsRow() {
    ViewerViewModel vm = viewer("dinov3-hf");
    AnalyzedPass pass = vm.outcomeProperty().get().primary();
    TokenLayout layout = pass.result().layout();

    RenderedView view = vm.renderedProperty().get();

    assertTrue(view.caption().startsWith("CLS attention · block 4 of 4"), view.caption());
    assertEquals(Quantity.CLS_ATTENTION.label(), vm.quantityName(Quantity.CLS_ATTENTION));
    FloatTensor attention = pass.result().block(4).attention(); // [H, T, T]
    int t = layout.totalTokens();
    float[] rows = new float[attention.dim(0) * t];
    for (int h = 0; h < attention.dim(0); h++) {
      System.arraycopy(attention.data(), h * t * t, rows, h * t, t);
    }
    float[] want = patchMean(rows, layout);
    float[] got = view.map().grid().values();
    for (int p = 0; p < want.length; p++) {
      assertEquals(want[p], got[p], 1e-6);
    }
    assertEquals("CLS capture", LayerMaps.captureMetricName(layout));
    assertEquals(5, layout.firstPatchIndex(), "CLS + 4 registers before the patches");
  }
}
