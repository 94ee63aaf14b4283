package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CaptureOptionsTest {

  @Test
  void defaultKeepsFullMapsUpToViTLargeAt224AndSummariesAt518() {
    // T = 257 at 224 px and 1370 at 518 px (patch 14, CLS)
    assertEquals(AttentionCapture.FULL, CaptureOptions.DEFAULT.resolve(12, 6, 257)); // ViT-S: 19 MB
    assertEquals(
        AttentionCapture.FULL, CaptureOptions.DEFAULT.resolve(24, 16, 257)); // ViT-L: 101 MB
    assertEquals(
        AttentionCapture.SUMMARY, CaptureOptions.DEFAULT.resolve(12, 6, 1370)); // ViT-S: 541 MB
    assertEquals(
        AttentionCapture.SUMMARY, CaptureOptions.DEFAULT.resolve(24, 16, 1370)); // ViT-L: 2.9 GB
  }

  @Test
  void fullMapsOfViTLargeAt518TakeAbout2Point9Gigabytes() {
    assertEquals(2_882_918_400L, CaptureOptions.fullMapBytes(24, 16, 1370));
    assertTrue(CaptureOptions.summaryBytes(24, 16, 1370, false) < 11_000_000L);
  }

  @Test
  void theBooleanConstructorKeepsItsMeaning() {
    assertEquals(AttentionCapture.FULL, new CaptureOptions(true, false).resolve(24, 16, 1370));
    assertEquals(AttentionCapture.NONE, CaptureOptions.RESIDUAL_ONLY.attention());
    assertFalse(CaptureOptions.RESIDUAL_ONLY.attentionMaps());
    assertTrue(CaptureOptions.DEFAULT.attentionMaps());
    assertTrue(CaptureOptions.EVERYTHING.mlpActivations());
  }

  @Test
  void aForcedModeIsNeverOverridden() {
    CaptureOptions summary = CaptureOptions.DEFAULT.withAttention(AttentionCapture.SUMMARY);
    assertEquals(AttentionCapture.SUMMARY, summary.resolve(1, 1, 2));
  }
}
