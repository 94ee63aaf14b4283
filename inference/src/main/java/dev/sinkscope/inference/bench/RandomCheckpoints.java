package dev.sinkscope.inference.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes seeded random-weight checkpoints in the transformers {@code Dinov2Model} layout ({@code
 * config.json} + {@code model.safetensors}, float32), so Java and the PyTorch reference read the
 * very same weights. Values are streamed, so ViT-L (1.2 GB) never sits in the heap.
 *
 * <p>Weights are uniform with standard deviation 0.02 (the usual ViT init scale); layer-norm gains
 * are near 1 and layer scales near 0.5, so activations stay O(1) through 24 blocks.
 */
public final class RandomCheckpoints {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final double INIT_STD = 0.02;

  private RandomCheckpoints() {}

  /** One tensor: HF key, shape, and how its values are drawn. */
  private record Spec(String key, int[] shape, double center, double std) {
    long size() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * The model folder for {@code size} under {@code root}, written first if absent or made with
   * another seed. Native image size 518 (37 x 37 grid), as the DINOv2 releases.
   */
  public static Path ensure(Path root, VitSize size, long seed) throws IOException {
    Path folder = root.resolve(size.name() + "-seed" + seed);
    Path weights = folder.resolve("model.safetensors");
    Path config = folder.resolve("config.json");
    if (Files.isRegularFile(weights) && Files.isRegularFile(config)) {
      return folder;
    }
    Files.createDirectories(folder);
    writeWeights(weights, tensors(size, 37), seed);
    Files.writeString(config, config(size, seed), StandardCharsets.UTF_8);
    return folder;
  }

  /** Seeded N(0, 1) pixels {@code [1, 3, resolution, resolution]}, like a normalised photo. */
  public static FloatTensor pixels(int resolution, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[3 * resolution * resolution];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) gaussian(random);
    }
    return new FloatTensor(new int[] {1, 3, resolution, resolution}, values);
  }

  /** Writes {@code pixels} as {@code pixel_values} for the PyTorch reference. */
  public static Path writePixels(Path file, FloatTensor pixels) throws IOException {
    SafetensorsWriter.write(
        file, Map.of("pixel_values", pixels), Map.of("producer", "sinkscope bench"));
    return file;
  }

  private static List<Spec> tensors(VitSize size, int grid) {
    int d = size.hidden();
    int m = size.mlp();
    int p = VitSize.PATCH;
    List<Spec> list = new ArrayList<>();
    list.add(new Spec("embeddings.cls_token", new int[] {1, 1, d}, 0, INIT_STD));
    list.add(
        new Spec("embeddings.position_embeddings", new int[] {1, grid * grid + 1, d}, 0, INIT_STD));
    list.add(
        new Spec(
            "embeddings.patch_embeddings.projection.weight", new int[] {d, 3, p, p}, 0, INIT_STD));
    list.add(new Spec("embeddings.patch_embeddings.projection.bias", new int[] {d}, 0, INIT_STD));
    for (int i = 0; i < size.layers(); i++) {
      String b = "encoder.layer." + i + ".";
      list.add(new Spec(b + "norm1.weight", new int[] {d}, 1, INIT_STD));
      list.add(new Spec(b + "norm1.bias", new int[] {d}, 0, INIT_STD));
      for (String qkv : new String[] {"query", "key", "value"}) {
        list.add(
            new Spec(b + "attention.attention." + qkv + ".weight", new int[] {d, d}, 0, INIT_STD));
        list.add(new Spec(b + "attention.attention." + qkv + ".bias", new int[] {d}, 0, INIT_STD));
      }
      list.add(new Spec(b + "attention.output.dense.weight", new int[] {d, d}, 0, INIT_STD));
      list.add(new Spec(b + "attention.output.dense.bias", new int[] {d}, 0, INIT_STD));
      list.add(new Spec(b + "layer_scale1.lambda1", new int[] {d}, 0.5, 0.1));
      list.add(new Spec(b + "norm2.weight", new int[] {d}, 1, INIT_STD));
      list.add(new Spec(b + "norm2.bias", new int[] {d}, 0, INIT_STD));
      list.add(new Spec(b + "mlp.fc1.weight", new int[] {m, d}, 0, INIT_STD));
      list.add(new Spec(b + "mlp.fc1.bias", new int[] {m}, 0, INIT_STD));
      list.add(new Spec(b + "mlp.fc2.weight", new int[] {d, m}, 0, INIT_STD));
      list.add(new Spec(b + "mlp.fc2.bias", new int[] {d}, 0, INIT_STD));
      list.add(new Spec(b + "layer_scale2.lambda1", new int[] {d}, 0.5, 0.1));
    }
    list.add(new Spec("layernorm.weight", new int[] {d}, 1, INIT_STD));
    list.add(new Spec("layernorm.bias", new int[] {d}, 0, INIT_STD));
    return list;
  }

  private static void writeWeights(Path file, List<Spec> specs, long seed) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    header
        .putObject("__metadata__")
        .put("format", "pt")
        .put("producer", "sinkscope bench, seed " + seed);
    long offset = 0;
    for (Spec s : specs) {
      ObjectNode entry = header.putObject(s.key());
      entry.put("dtype", "F32");
      ArrayNode shape = entry.putArray("shape");
      for (int dim : s.shape()) {
        shape.add(dim);
      }
      entry.putArray("data_offsets").add(offset).add(offset + 4 * s.size());
      offset += 4 * s.size();
    }
    byte[] json = new ObjectMapper().writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "model", ".part");
    try (FileChannel out =
        FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(padded).put(json);
      while (head.position() < head.capacity()) {
        head.put((byte) ' ');
      }
      writeFully(out, head.flip());
      ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (Spec s : specs) {
        // one stream per tensor name: the values do not depend on the order of the others
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + s.key().hashCode());
        double halfWidth = s.std() * Math.sqrt(3); // uniform on [-a, a] has std a / sqrt(3)
        for (long i = 0; i < s.size(); i++) {
          if (!chunk.hasRemaining()) {
            writeFully(out, chunk.flip());
            chunk.clear();
          }
          chunk.putFloat((float) (s.center() + halfWidth * (2 * random.nextDouble() - 1)));
        }
      }
      writeFully(out, chunk.flip());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  private static String config(VitSize size, long seed) throws IOException {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("Dinov2Model"));
    c.put("model_type", "dinov2");
    c.put("hidden_size", size.hidden());
    c.put("num_hidden_layers", size.layers());
    c.put("num_attention_heads", size.heads());
    c.put("mlp_ratio", 4);
    c.put("patch_size", VitSize.PATCH);
    c.put("image_size", 518);
    c.put("num_channels", 3);
    c.put("hidden_act", "gelu");
    c.put("layer_norm_eps", 1e-6);
    c.put("layerscale_value", 1.0);
    c.put("qkv_bias", true);
    c.put("use_swiglu_ffn", false);
    c.put("torch_dtype", "float32");
    c.put("sinkscope_bench_seed", seed);
    return JSON.writeValueAsString(c);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; one of the pair is enough here
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
