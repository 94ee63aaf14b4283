package dev.sinkscope.inference.engine;

import ai.djl.ndarray.NDArray;
import dev.sinkscope.inference.result.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per-pass scratch shared with hooks: where they record debug tensors. */
public final class PassContext {
  private final Map<String, FloatTensor> debug = new LinkedHashMap<>();

  /**
   * Copies {@code array} to the host under {@code name} (e.g. "debug.ttr_register_value.layer1").
   */
  public void recordDebug(String name, NDArray array) {
    long[] s = array.getShape().getShape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = Math.toIntExact(s[i]);
    }
    debug.put(name, new FloatTensor(shape, VitForward.toHost(array)));
  }

  public void recordDebug(String name, FloatTensor tensor) {
    debug.put(name, tensor);
  }

  Map<String, FloatTensor> debug() {
    return debug;
  }
}
