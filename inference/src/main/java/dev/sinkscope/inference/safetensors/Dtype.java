package dev.sinkscope.inference.safetensors;

import java.util.Locale;

/** Element types of the safetensors format. */
public enum Dtype {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int bytes;

  Dtype(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  public boolean isFloatingPoint() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /** Parses the header spelling ("F32", "BF16", ...); {@code null} when unknown. */
  public static Dtype parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
