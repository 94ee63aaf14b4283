package dev.sinkscope.inference.robustness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.safetensors.HalfFloats;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds the broken inputs of the robustness corpus from the small valid fixtures: raw safetensors
 * bytes, copied model folders with one thing changed, and pickles that would leave a trace if run.
 */
final class Corpus {
  static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
  static final ObjectMapper JSON = new ObjectMapper();

  private Corpus() {}

  /** A tensor as stored: dtype name, shape and little-endian bytes. */
  record Raw(String dtype, long[] shape, byte[] bytes) {

    static Raw f32(float[] values, long... shape) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
      return new Raw("F32", shape, b.array());
    }

    float[] floats() {
      if (!dtype.equals("F32")) {
        throw new IllegalStateException("not F32: " + dtype);
      }
      float[] out = new float[bytes.length / 4];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }

    /** bfloat16, rounded to nearest even as torch's {@code .to(torch.bfloat16)} does. */
    Raw toBf16() {
      float[] v = floats();
      ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : v) {
        int bits = Float.floatToRawIntBits(f);
        int rounded = Float.isNaN(f) ? bits | 0x400000 : bits + 0x7fff + ((bits >>> 16) & 1);
        b.putShort((short) (rounded >>> 16));
      }
      return new Raw("BF16", shape, b.array());
    }

    /** Widens BF16 back to F32 (exact: bfloat16 is the upper half of a float32). */
    Raw bf16ToF32() {
      if (!dtype.equals("BF16")) {
        throw new IllegalStateException("not BF16: " + dtype);
      }
      ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[bytes.length / 2];
      for (int i = 0; i < v.length; i++) {
        v[i] = Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
      }
      return f32(v, shape);
    }

    Raw toF16() {
      float[] v = floats();
      ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : v) {
        b.putShort(HalfFloats.floatToHalf(f));
      }
      return new Raw("F16", shape, b.array());
    }
  }

  /** Every tensor of a safetensors file, in header order. */
  static Map<String, Raw> read(Path file) throws IOException {
    Map<String, Raw> out = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (TensorInfo t : f.tensors().values()) {
        ByteBuffer b = f.mapped(t.name());
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.put(t.name(), new Raw(t.dtype().name(), t.shape(), bytes));
      }
    }
    return out;
  }

  /** Writes {@code tensors} as a well-formed safetensors file (any dtype, bytes as given). */
  static void write(Path file, Map<String, Raw> tensors) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, Raw> e : tensors.entrySet()) {
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", e.getValue().dtype());
      ArrayNode shape = entry.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      entry.putArray("data_offsets").add(offset).add(offset + e.getValue().bytes().length);
      offset += e.getValue().bytes().length;
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    tensors.values().forEach(t -> data.writeBytes(t.bytes()));
    Files.write(file, safetensors(JSON.writeValueAsString(header), data.toByteArray()));
  }

  /** A file with {@code headerJson} (spelled exactly as given) and {@code data} behind it. */
  static byte[] safetensors(String headerJson, byte[] data) {
    return safetensors(headerJson.getBytes(StandardCharsets.UTF_8), data);
  }

  static byte[] safetensors(byte[] header, byte[] data) {
    return concat(le64(header.length), header, data);
  }

  /** An 8-byte little-endian length prefix that may lie, followed by {@code rest}. */
  static byte[] declaring(long headerLength, byte[] rest) {
    return concat(le64(headerLength), rest);
  }

  static byte[] le64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Copies a fixture's model files (config, weights, preprocessing) into a new folder {@code into}.
   */
  static Path copyModel(String fixture, Path into) throws IOException {
    Files.createDirectories(into);
    for (String name : List.of("config.json", "model.safetensors", "preprocessor_config.json")) {
      Path source = FIXTURES.resolve(fixture).resolve(name);
      if (Files.exists(source)) {
        Files.copy(source, into.resolve(name));
      }
    }
    return into;
  }

  static ObjectNode config(Path folder) throws IOException {
    return (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());
  }

  static void writeConfig(Path folder, ObjectNode config) throws IOException {
    Files.writeString(
        folder.resolve("config.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
  }

  /**
   * A protocol-2 pickle (how legacy {@code torch.save} files start) that, when unpickled, calls
   * {@code builtins.open(marker, "w")} and so creates {@code marker}: {@code python3 -c "import
   * pickle; pickle.load(open(f, 'rb'))"} does exactly that.
   */
  static byte[] pickleCreating(Path marker) {
    String path = marker.toAbsolutePath().toString();
    assertFalse(
        path.contains("'") || path.contains("\\") || path.contains("\n"),
        "marker path must be plain: " + path);
    return concat(
        new byte[] {(byte) 0x80, 2}, ascii("cbuiltins\nopen\n(S'" + path + "'\nS'w'\ntR."));
  }

  /** The zip layout {@code torch.save} writes, with the same payload as its {@code data.pkl}. */
  static byte[] torchZipCreating(Path marker) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("archive/data.pkl"));
      zip.write(pickleCreating(marker));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("archive/version"));
      zip.write(ascii("3\n"));
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  /** Creates a named pipe, or returns false where {@code mkfifo} is not available. */
  static boolean mkfifo(Path path) {
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
      return p.waitFor() == 0 && Files.exists(path) && !Files.isRegularFile(path);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The message names {@code file} and contains every keyword (case-insensitive). */
  static void assertNames(String message, Path file, String... keywords) {
    assertTrue(
        message != null && message.contains(file.getFileName().toString()),
        "message names " + file.getFileName() + ": " + message);
    String lower = message.toLowerCase(Locale.ROOT);
    for (String k : keywords) {
      assertTrue(
          lower.contains(k.toLowerCase(Locale.ROOT)), "message contains '" + k + "': " + message);
    }
  }
}
