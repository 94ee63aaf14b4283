package dev.sinkscope.inference.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Writes float32 tensors in the safetensors format, atomically (temp file, then rename). */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  /**
   * Writes {@code tensors} in iteration order.
   *
   * @param metadata string pairs stored under {@code __metadata__}; may be empty
   */
  public static void write(
      Path file, Map<String, ? extends FloatData> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, metadata, Dtype.F32);
  }

  /**
   * Writes {@code tensors} as {@code dtype}, which must be F32 or F16 (rounded to nearest even).
   */
  public static void write(
      Path file,
      Map<String, ? extends FloatData> tensors,
      Map<String, String> metadata,
      Dtype dtype)
      throws IOException {
    if (dtype != Dtype.F32 && dtype != Dtype.F16) {
      throw new IllegalArgumentException("can write F32 or F16, not " + dtype);
    }
    int width = dtype.bytes();
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, ? extends FloatData> e : tensors.entrySet()) {
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", dtype.name());
      ArrayNode shape = entry.putArray("shape");
      for (int d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = (long) width * e.getValue().data().length;
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // keeps the data section 8-byte aligned
    byte[] headerBytes = new byte[padded];
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      headerBytes[i] = ' ';
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".part");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(headerBytes);
      ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (FloatData t : tensors.values()) {
        for (float v : t.data()) {
          if (!chunk.hasRemaining()) {
            out.write(chunk.array(), 0, chunk.position());
            chunk.clear();
          }
          if (width == 4) {
            chunk.putFloat(v);
          } else {
            chunk.putShort(HalfFloats.floatToHalf(v));
          }
        }
      }
      out.write(chunk.array(), 0, chunk.position());
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      // temp files are created owner-only; a written model or dump is an ordinary readable file
      Files.setPosixFilePermissions(
          tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // other file systems keep their defaults
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
