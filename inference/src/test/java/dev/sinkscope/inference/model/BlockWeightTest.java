package dev.sinkscope.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The canonical block names stay the strings they were before the enum (sessions, caches). */
class BlockWeightTest {

  @Test
  void canonicalNamesAreTheHistoricalStrings() {
    assertEquals("blocks.3.qkv.weight", CanonicalWeights.block(3, BlockWeight.QKV_WEIGHT));
    assertEquals("blocks.0.fc1_gate.bias", CanonicalWeights.block(0, BlockWeight.FC1_GATE_BIAS));
    assertEquals("blocks.11.ls2", CanonicalWeights.block(11, BlockWeight.LS2));
    assertEquals("blocks.7.", CanonicalWeights.blockPrefix(7));
    List<String> parts =
        Arrays.stream(BlockWeight.values()).map(BlockWeight::part).collect(Collectors.toList());
    assertEquals(
        List.of(
            "norm1.weight",
            "norm1.bias",
            "qkv.weight",
            "qkv.bias",
            "q.weight",
            "q.bias",
            "k.weight",
            "k.bias",
            "v.weight",
            "v.bias",
            "proj.weight",
            "proj.bias",
            "ls1",
            "norm2.weight",
            "norm2.bias",
            "fc1.weight",
            "fc1.bias",
            "fc1_gate.weight",
            "fc1_gate.bias",
            "fc2.weight",
            "fc2.bias",
            "ls2",
            "gate.weight",
            "gate.bias"),
        parts);
  }

  @Test
  void ofPartFindsEveryConstantAndRejectsUnknownParts() {
    for (BlockWeight w : BlockWeight.values()) {
      assertEquals(w, BlockWeight.ofPart(w.part()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BlockWeight.ofPart("qkv.weights"));
    assertEquals("no block weight 'qkv.weights'", e.getMessage());
  }
}
