package dev.sinkscope.inference.safetensors;

/**
 * A float32 tensor the writer can store: its shape and its values in row-major order. The pass
 * results' tensors implement it, so this package needs nothing from them.
 */
public interface FloatData {
  int[] shape();

  float[] data();
}
