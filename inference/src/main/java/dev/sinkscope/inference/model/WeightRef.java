package dev.sinkscope.inference.model;

import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.TensorInfo;

/** Where one weight of the canonical naming lives: a file and the key it was saved under. */
public record WeightRef(SafetensorsFile file, String key, TensorInfo info) {}
