package dev.sinkscope.inference.result;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names a forward result's tensors as transformers' {@code output_hidden_states} / {@code
 * output_attentions} do (and as the golden fixtures store them), with the batch axis.
 */
public final class ResultDump {
  private ResultDump() {}

  /**
   * {@code pixel_values [1,3,H,W]}, {@code hidden_states.0..L [1,T,D]}, {@code attentions.1..L
   * [1,H,T,T]} (when captured), {@code last_hidden_state [1,T,D]}, {@code pooler_output [1,D]}
   * (when the family has one), {@code attention_summary.<block>.*} where a block kept summaries
   * instead of full maps, then any {@code debug.*} tensors.
   */
  public static Map<String, FloatTensor> tensors(ForwardResult result) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    out.put("pixel_values", result.pixelValues());
    out.put("hidden_states.0", withBatch(result.embeddings()));
    for (LayerCapture c : result.layers()) {
      out.put("hidden_states." + c.block(), withBatch(c.hidden()));
    }
    for (LayerCapture c : result.layers()) {
      if (c.attention() != null) {
        out.put("attentions." + c.block(), withBatch(c.attention()));
      }
    }
    for (LayerCapture c : result.layers()) {
      if (c.summary() != null) {
        c.summary().dumpTensors(out);
      }
    }
    out.put("last_hidden_state", withBatch(result.lastHiddenState()));
    if (result.pooled() != null) {
      out.put("pooler_output", withBatch(result.pooled()));
    }
    out.putAll(result.debug());
    return out;
  }

  private static FloatTensor withBatch(FloatTensor t) {
    int[] s = t.shape();
    int[] withBatch = new int[s.length + 1];
    withBatch[0] = 1;
    System.arraycopy(s, 0, withBatch, 1, s.length);
    return t.reshape(withBatch);
  }
}
