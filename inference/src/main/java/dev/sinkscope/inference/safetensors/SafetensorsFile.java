package dev.sinkscope.inference.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated, memory-mapped safetensors file.
 *
 * <p>The header is parsed and checked in full before any tensor is touched: length bounds, JSON
 * syntax, duplicate names, known dtypes, shape versus byte count, offsets inside the data section,
 * no overlaps and no gaps (as the reference Rust implementation requires). Tensor bytes are never
 * copied into the Java heap: {@link #mapped(String)} returns a read-only view of the mapping and
 * {@link #readAsFloat32(String)} widens into a direct (off-heap) buffer.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** Largest header accepted; real checkpoints (ViT-g) have headers of a few tens of KB. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  // Strict like the reference parser: duplicate names and anything after the header object but
  // whitespace (the spec's padding) are errors, not silently dropped.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final int SCAN_CHUNK = 1 << 14;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final long dataLength;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      long dataLength,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.dataLength = dataLength;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates {@code path}. */
  public static SafetensorsFile open(Path path) throws IOException {
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      // a pipe or device would block or never end
      throw new SafetensorsFormatException(path, "is not a regular file");
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return parse(path, channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException {
    long fileSize = channel.size();
    if (fileSize < 8) {
      throw new SafetensorsFormatException(
          path, "file is " + fileSize + " bytes, too short for a safetensors header");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lengthBytes, 0, path);
    long headerLength = lengthBytes.getLong(0);
    if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
      throw new SafetensorsFormatException(
          path,
          "header length "
              + Long.toUnsignedString(headerLength)
              + " is outside 1.."
              + MAX_HEADER_BYTES
              + " bytes ("
              + whatItIs(lengthBytes.array())
              + ")");
    }
    if (8 + headerLength > fileSize) {
      throw new SafetensorsFormatException(
          path,
          "header length "
              + headerLength
              + " runs past the end of the "
              + fileSize
              + "-byte file (truncated download?)");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(channel, headerBytes, 8, path);
    JsonNode header;
    try {
      header = JSON.readTree(headerBytes.array());
    } catch (JsonProcessingException e) {
      throw new SafetensorsFormatException(
          path, "header is not valid JSON: " + e.getOriginalMessage());
    }
    if (header == null || !header.isObject()) {
      throw new SafetensorsFormatException(path, "header is not a JSON object");
    }
    long dataStart = 8 + headerLength;
    long dataLength = fileSize - dataStart;
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        if (!e.getValue().isObject()) {
          throw new SafetensorsFormatException(path, "__metadata__ must be an object of strings");
        }
        e.getValue()
            .fields()
            .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataLength));
    }
    checkCoverage(path, tensors, dataLength);
    return new SafetensorsFile(
        path,
        channel,
        dataStart,
        dataLength,
        Collections.unmodifiableMap(tensors),
        Collections.unmodifiableMap(metadata));
  }

  /** A guess at what a file with an impossible header length really is, from its first 8 bytes. */
  private static String whatItIs(byte[] head) {
    if ((head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) { // PROTO opcode, protocols 2-5
      return "it starts like a Python pickle, the format of PyTorch .bin/.pt files; Sinkscope never unpickles, "
          + "use the model's .safetensors weights";
    }
    if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return "it is a zip archive, the format torch.save writes; Sinkscope never unpickles, use the model's "
          + ".safetensors weights";
    }
    String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (text.startsWith("version ")) {
      return "it is a Git LFS pointer file, not the weights: fetch the real file (git lfs pull) or download it again";
    }
    boolean printable = true;
    for (byte b : head) {
      printable &= b == '\n' || b == '\r' || b == '\t' || (b >= 0x20 && b < 0x7f);
    }
    if (printable) {
      return "it starts with text ('"
          + text.strip()
          + "'), not a binary length: an error page or pointer file "
          + "saved in place of the weights?";
    }
    return "not a safetensors file, or corrupt";
  }

  private static TensorInfo parseEntry(Path path, String name, JsonNode node, long dataLength)
      throws SafetensorsFormatException {
    if (!node.isObject()) {
      throw new SafetensorsFormatException(path, "tensor '" + name + "': entry is not an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    JsonNode shapeNode = node.get("shape");
    JsonNode offsetsNode = node.get("data_offsets");
    if (dtypeNode == null
        || !dtypeNode.isTextual()
        || shapeNode == null
        || !shapeNode.isArray()
        || offsetsNode == null
        || !offsetsNode.isArray()
        || offsetsNode.size() != 2) {
      throw new SafetensorsFormatException(
          path, "tensor '" + name + "': needs dtype, shape and two data_offsets");
    }
    Dtype dtype = Dtype.parse(dtypeNode.asText());
    if (dtype == null) {
      throw new SafetensorsFormatException(
          path, "tensor '" + name + "': unsupported dtype " + dtypeNode.asText());
    }
    long[] shape = new long[shapeNode.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new SafetensorsFormatException(path, "tensor '" + name + "': bad shape " + shapeNode);
      }
      shape[i] = d.asLong();
      try {
        elements = Math.multiplyExact(elements, shape[i]);
      } catch (ArithmeticException overflow) {
        throw new SafetensorsFormatException(
            path, "tensor '" + name + "': shape " + shapeNode + " overflows");
      }
    }
    JsonNode b = offsetsNode.get(0);
    JsonNode en = offsetsNode.get(1);
    if (!b.isIntegralNumber()
        || !en.isIntegralNumber()
        || !b.canConvertToLong()
        || !en.canConvertToLong()) {
      throw new SafetensorsFormatException(
          path, "tensor '" + name + "': bad data_offsets " + offsetsNode);
    }
    long begin = b.asLong();
    long end = en.asLong();
    if (begin < 0 || end < begin || end > dataLength) {
      throw new SafetensorsFormatException(
          path,
          "tensor '"
              + name
              + "': data_offsets ["
              + begin
              + ", "
              + end
              + "] lie outside the "
              + dataLength
              + "-byte data section"
              + (begin >= 0 && end >= begin ? " (truncated file?)" : " (not a range)"));
    }
    long expectedBytes;
    try {
      expectedBytes = Math.multiplyExact(elements, dtype.bytes());
    } catch (ArithmeticException overflow) {
      throw new SafetensorsFormatException(path, "tensor '" + name + "': byte count overflows");
    }
    if (end - begin != expectedBytes) {
      throw new SafetensorsFormatException(
          path,
          "tensor '"
              + name
              + "': shape "
              + shapeNode
              + " of "
              + dtype
              + " needs "
              + expectedBytes
              + " bytes but data_offsets give "
              + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static void checkCoverage(Path path, Map<String, TensorInfo> tensors, long dataLength)
      throws SafetensorsFormatException {
    List<TensorInfo> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long cursor = 0;
    for (TensorInfo t : sorted) {
      if (t.begin() < cursor) {
        throw new SafetensorsFormatException(
            path, "tensor '" + t.name() + "' overlaps the tensor before it");
      }
      if (t.begin() > cursor) {
        throw new SafetensorsFormatException(
            path,
            "gap of "
                + (t.begin() - cursor)
                + " bytes before tensor '"
                + t.name()
                + "' (corrupt header)");
      }
      cursor = t.end();
    }
    if (cursor != dataLength) {
      throw new SafetensorsFormatException(
          path,
          "data section has "
              + dataLength
              + " bytes but the tensors cover "
              + cursor
              + (cursor < dataLength ? " (trailing garbage)" : ""));
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position, Path path)
      throws IOException {
    long pos = position;
    while (target.hasRemaining()) {
      int n = channel.read(target, pos);
      if (n < 0) {
        throw new SafetensorsFormatException(path, "unexpected end of file");
      }
      pos += n;
    }
  }

  public Path path() {
    return path;
  }

  /** Tensor entries in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  public TensorInfo info(String name) throws SafetensorsFormatException {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new SafetensorsFormatException(path, "no tensor named '" + name + "'");
    }
    return info;
  }

  /** Read-only little-endian view of a tensor's bytes, straight from the file mapping. */
  public ByteBuffer mapped(String name) throws IOException {
    TensorInfo info = info(name);
    if (info.byteLength() == 0) {
      return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    if (info.byteLength() > Integer.MAX_VALUE) {
      throw new SafetensorsFormatException(path, "tensor '" + name + "' is larger than 2 GiB");
    }
    return channel
        .map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength())
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * A tensor's values as float32 in a direct, native-order buffer (widening F16, BF16, F64 and
   * integers). For F32 on a little-endian machine this is the mapping itself.
   */
  public ByteBuffer readAsFloat32(String name) throws IOException {
    TensorInfo info = info(name);
    ByteBuffer src = mapped(name);
    int n = Math.toIntExact(info.elementCount());
    if (info.dtype() == Dtype.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      return src;
    }
    if (n > Integer.MAX_VALUE / 4) {
      throw new SafetensorsFormatException(
          path,
          "tensor '"
              + name
              + "' has "
              + n
              + " values, too many to widen to float32 in one buffer (2 GiB)");
    }
    ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    FloatBuffer f = out.asFloatBuffer();
    switch (info.dtype()) {
      case F32 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, src.getFloat(4 * i));
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, HalfFloats.halfToFloat(src.getShort(2 * i)));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, HalfFloats.bfloat16ToFloat(src.getShort(2 * i)));
        }
      }
      case F64 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, (float) src.getDouble(8 * i));
        }
      }
      case I64 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, src.getLong(8 * i));
        }
      }
      case I32 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, src.getInt(4 * i));
        }
      }
      case I16 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, src.getShort(2 * i));
        }
      }
      case I8 -> {
        for (int i = 0; i < n; i++) {
          f.put(i, src.get(i));
        }
      }
      case U8, BOOL -> {
        for (int i = 0; i < n; i++) {
          f.put(i, src.get(i) & 0xff);
        }
      }
      default -> throw new SafetensorsFormatException(path, "cannot widen " + info.dtype());
    }
    return out;
  }

  /**
   * How many values of a floating-point tensor are NaN or infinite (0 for integer dtypes). Reads
   * the bit patterns of the mapping in bulk, without widening: an exponent of all ones is NaN or
   * infinity in every IEEE format, so this costs about one pass over the tensor's bytes.
   */
  public long nonFiniteCount(String name) throws IOException {
    TensorInfo info = info(name);
    if (!info.dtype().isFloatingPoint() || info.byteLength() == 0) {
      return 0;
    }
    ByteBuffer bytes = mapped(name);
    long count = 0;
    switch (info.dtype()) {
      case F32 -> {
        IntBuffer v = bytes.asIntBuffer();
        int[] chunk = new int[SCAN_CHUNK];
        while (v.hasRemaining()) {
          int n = Math.min(SCAN_CHUNK, v.remaining());
          v.get(chunk, 0, n);
          for (int i = 0; i < n; i++) {
            if ((chunk[i] & 0x7f800000) == 0x7f800000) {
              count++;
            }
          }
        }
      }
      case F16, BF16 -> {
        int mask = info.dtype() == Dtype.F16 ? 0x7c00 : 0x7f80;
        ShortBuffer v = bytes.asShortBuffer();
        short[] chunk = new short[SCAN_CHUNK];
        while (v.hasRemaining()) {
          int n = Math.min(SCAN_CHUNK, v.remaining());
          v.get(chunk, 0, n);
          for (int i = 0; i < n; i++) {
            if ((chunk[i] & mask) == mask) {
              count++;
            }
          }
        }
      }
      case F64 -> {
        LongBuffer v = bytes.asLongBuffer();
        while (v.hasRemaining()) {
          if ((v.get() & 0x7ff0000000000000L) == 0x7ff0000000000000L) {
            count++;
          }
        }
      }
      default -> throw new IllegalStateException(info.dtype().name());
    }
    return count;
  }

  /** A tensor's values as a heap {@code float[]}; for small tensors and tests. */
  public float[] readFloats(String name) throws IOException {
    ByteBuffer b = readAsFloat32(name);
    float[] values = new float[b.remaining() / 4];
    b.duplicate().order(b.order()).asFloatBuffer().get(values);
    return values;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
