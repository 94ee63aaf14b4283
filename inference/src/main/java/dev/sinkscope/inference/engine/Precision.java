package dev.sinkscope.inference.engine;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Number format of the matrix products. {@link #FP16} is meant for GPUs: the linear-layer weights
 * are cast once at load and the products run in half precision, while layer norms, the residual
 * stream, the attention normalisation and everything copied to the host stay float32.
 */
public enum Precision {
  FP32(DataType.FLOAT32),
  FP16(DataType.FLOAT16);

  private final DataType matmulType;

  Precision(DataType matmulType) {
    this.matmulType = matmulType;
  }

  /** Data type of the linear-layer weights and their inputs. */
  public DataType matmulType() {
    return matmulType;
  }

  /** Reads {@code fp32} / {@code fp16} (also {@code float32}, {@code half}). */
  public static Precision parse(String option) {
    String o = option == null ? "fp32" : option.trim().toLowerCase(Locale.ROOT);
    return switch (o) {
      case "fp32", "float32", "float", "" -> FP32;
      case "fp16", "float16", "half" -> FP16;
      default ->
          throw new IllegalArgumentException("unknown precision '" + option + "' (fp32, fp16)");
    };
  }
}
