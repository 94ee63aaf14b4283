package dev.sinkscope.inference.phantom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.Dtype;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes the "sink phantom": a small, untrained, hand-wired DINOv2-layout ViT whose artifact
 * mechanism is planted and documented, so the first run shows the phenomenon and tests have ground
 * truth. Deterministic: the same code writes the same bytes.
 *
 * <p>The circuit, in residual-stream dimensions (D = 192):
 *
 * <ul>
 *   <li>0-47 content: patch colour means, 24 zero-mean texture probes, sub-block colours.
 *   <li>48 texture energy E: block 1's MLP sums |probe| (GELU(a z) + GELU(-a z)).
 *   <li>49 soft minimum of E over the image: block 2, head 0 attends to the flattest tokens.
 *   <li>56-95 a constant ± pattern carried by every real token (keeps LayerNorm near-linear and
 *       marks real tokens for the soft-min and the sink queries).
 *   <li>96-191 the payload direction u: block 3's register neurons fire on tokens within δ of the
 *       image's flattest and write c·u, a large vector: these become high-norm artifacts.
 * </ul>
 *
 * Blocks 4-7 have every head query the constant pattern and key on u, so attention collapses onto
 * the artifacts, whose values read only content dimensions (which LayerNorm has shrunk): attending
 * them is nearly a no-op. The registers twin gives register 0 an energy far below any patch, so it
 * wins the soft minimum and takes the payload instead of a patch.
 */
public final class PhantomGenerator {
  public static final int D = 192;
  public static final int HEADS = 3;
  public static final int HEAD_DIM = D / HEADS;
  public static final int MLP = 4 * D;
  public static final int LAYERS = 8;
  public static final int PATCH = 14;
  public static final int IMAGE = 224;
  public static final int GRID = IMAGE / PATCH;
  public static final int REGISTERS = 4;
  public static final long SEED = 20_261_128L;

  /** 0-based block with the register neurons, and the neurons themselves. */
  public static final int CIRCUIT_BLOCK = 3;

  public static final int[] REGISTER_NEURONS = {137, 402, 655};

  static final int ENERGY = 48;
  static final int SOFT_MIN = 49;
  static final int CONST_FROM = 56;
  static final int CONST_TO = 96;
  static final int PAYLOAD_FROM = 96;
  static final int PROBES = 24;

  /** Tunable constants of the circuit (documented in the model card). */
  static final float CONST_LEVEL = 8.0f;

  /**
   * Every dimension of a patch token gets the same offset, a0 + g·(mean luma): normal-token norms
   * then vary with brightness (a realistic spread for the detectors) while LayerNorm, which
   * subtracts the mean, sees exactly the same token, so the circuit is unaffected.
   */
  static final float UNIFORM_OFFSET = 3f;

  static final float UNIFORM_LUMA_GAIN = 0.3f;

  /**
   * Half-width of a seeded per-position offset (also uniform over dimensions): light-tailed norm
   * jitter.
   */
  static final float POSITION_JITTER = 1.5f;

  static final float PROBE_SCALE = 0.3f;
  static final float ENERGY_GAIN = 40.0f;
  static final float ENERGY_WEIGHT = 0.2f;
  static final float SOFTMIN_SHARPNESS = 3000f;

  /**
   * Rescales the soft minimum back to raw energy units (the typical LayerNorm scale of a real
   * token).
   */
  static final float SOFTMIN_OUT =
      (float) Math.sqrt((CONST_TO - CONST_FROM) * CONST_LEVEL * CONST_LEVEL / D);

  /**
   * Tokens without the constant pattern (an appended test-time register) get this much energy:
   * never the flattest.
   */
  static final float NON_REAL_ENERGY = 8f;

  static final int NON_REAL_NEURON = 2 * PROBES;
  static final int FLAG = 50;

  /**
   * Flag neurons in block 2: A fires on non-flat tokens, B = A shifted by one; flag = 1 - (A - B).
   */
  static final int[] FLAG_NEURONS = {5, 6};

  static final float FLAG_STEEPNESS = 1e4f;
  static final float FLAG_LEVEL = 6f;
  static final float[] FIRE_GAIN = {10f, 9f, 8f};
  static final float FIRE_THRESHOLD = 0.8f;
  static final float[] PAYLOAD = {15f, 14f, 13f};
  static final float SINK_QUERY = 1.8f;
  static final float SINK_KEY = 1.45f;

  private PhantomGenerator() {}

  /**
   * Writes the phantom (and, with {@code registers}, its with-registers twin) into {@code folder}.
   */
  /**
   * Writes one phantom.
   *
   * @param flatMargin tokens within this LayerNorm-unit margin of the image's soft minimum are
   *     flagged as flattest ({@link PhantomBuilder} calibrates it on the bundled photos)
   */
  public static void write(Path folder, boolean registers, float flatMargin) throws IOException {
    Files.createDirectories(folder);
    Map<String, FloatTensor> weights = weights(registers, flatMargin);
    // float16 halves the shipped size; every planted constant is exactly or closely representable.
    SafetensorsWriter.write(
        folder.resolve("model.safetensors"), weights, Map.of("format", "pt"), Dtype.F16);
    Files.writeString(folder.resolve("config.json"), config(registers));
    Files.writeString(folder.resolve("preprocessor_config.json"), preprocessorConfig());
  }

  static Map<String, FloatTensor> weights(boolean withRegisters, float flatMargin) {
    Random rng = new Random(SEED);
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    float[] constPattern = new float[D];
    for (int d = CONST_FROM; d < CONST_TO; d++) {
      constPattern[d] = ((d - CONST_FROM) % 2 == 0 ? 1 : -1) * CONST_LEVEL;
    }
    float[] payload = unitPayload(rng);

    // --- embeddings
    float[] cls = constPattern.clone();
    cls[ENERGY] = 3f; // never the flattest token
    for (int d = 0; d < 48; d++) {
      cls[d] += 0.1f * (float) rng.nextGaussian();
    }
    w.put("embeddings.cls_token", FloatTensor.of(cls, 1, 1, D));
    w.put("embeddings.mask_token", FloatTensor.of(new float[D], 1, D));
    float[] positions = new float[(1 + GRID * GRID) * D];
    for (int t = 1; t <= GRID * GRID; t++) {
      for (int d = 0; d < 48; d++) {
        positions[t * D + d] = 0.05f * (float) rng.nextGaussian();
      }
      float jitter = POSITION_JITTER * (2 * rng.nextFloat() - 1);
      for (int d = 0; d < D; d++) {
        positions[t * D + d] += jitter;
      }
    }
    w.put("embeddings.position_embeddings", FloatTensor.of(positions, 1, 1 + GRID * GRID, D));
    w.put(
        "embeddings.patch_embeddings.projection.weight",
        FloatTensor.of(patchFilters(rng), D, 3, PATCH, PATCH));
    float[] patchBias = constPattern.clone();
    for (int d = 0; d < D; d++) {
      patchBias[d] += UNIFORM_OFFSET;
    }
    w.put("embeddings.patch_embeddings.projection.bias", FloatTensor.of(patchBias, D));
    if (withRegisters) {
      float[] regs = new float[REGISTERS * D];
      for (int r = 0; r < REGISTERS; r++) {
        System.arraycopy(constPattern, 0, regs, r * D, D);
        regs[r * D + ENERGY] = r == 0 ? -3f : 3f; // register 0 wins the soft minimum
      }
      w.put("embeddings.register_tokens", FloatTensor.of(regs, 1, REGISTERS, D));
    }

    // --- blocks
    for (int l = 0; l < LAYERS; l++) {
      String p = "encoder.layer." + l + ".";
      w.put(p + "norm1.weight", FloatTensor.of(filled(D, 1f), D));
      w.put(p + "norm1.bias", FloatTensor.of(new float[D], D));
      float[] q = gaussian(rng, D * D, 0.02f);
      float[] qb = new float[D];
      float[] k = gaussian(rng, D * D, 0.02f);
      float[] v = gaussian(rng, D * D, 0.02f);
      float[] o = gaussian(rng, D * D, 0.02f);
      float[] ls1 = filled(D, 0.1f);
      float[] fc1 = gaussian(rng, MLP * D, 0.02f);
      float[] fc1b = new float[MLP];
      float[] fc2 = gaussian(rng, D * MLP, 0.02f);
      float[] fc2b = new float[D];
      float[] ls2 = filled(D, 0.1f);
      for (int d = ENERGY; d <= FLAG; d++) {
        java.util.Arrays.fill(fc2, d * MLP, (d + 1) * MLP, 0f); // circuit dimensions stay clean
      }
      if (l == 1) {
        plantEnergy(fc1, fc1b, fc2, ls2);
      } else if (l == 2) {
        plantSoftMin(q, qb, k, v, o, ls1, constPattern);
        plantFlag(fc1, fc1b, fc2, fc2b, ls2, flatMargin);
      } else if (l == CIRCUIT_BLOCK) {
        plantRegisterNeurons(fc1, fc1b, fc2, ls2, payload);
      } else if (l > CIRCUIT_BLOCK) {
        plantSink(q, k, v, payload, constPattern, rng);
      }
      w.put(p + "attention.attention.query.weight", FloatTensor.of(q, D, D));
      w.put(p + "attention.attention.query.bias", FloatTensor.of(qb, D));
      w.put(p + "attention.attention.key.weight", FloatTensor.of(k, D, D));
      w.put(p + "attention.attention.key.bias", FloatTensor.of(new float[D], D));
      w.put(p + "attention.attention.value.weight", FloatTensor.of(v, D, D));
      w.put(p + "attention.attention.value.bias", FloatTensor.of(new float[D], D));
      w.put(p + "attention.output.dense.weight", FloatTensor.of(o, D, D));
      w.put(p + "attention.output.dense.bias", FloatTensor.of(new float[D], D));
      w.put(p + "layer_scale1.lambda1", FloatTensor.of(ls1, D));
      w.put(p + "norm2.weight", FloatTensor.of(filled(D, 1f), D));
      w.put(p + "norm2.bias", FloatTensor.of(new float[D], D));
      w.put(p + "mlp.fc1.weight", FloatTensor.of(fc1, MLP, D));
      w.put(p + "mlp.fc1.bias", FloatTensor.of(fc1b, MLP));
      w.put(p + "mlp.fc2.weight", FloatTensor.of(fc2, D, MLP));
      w.put(p + "mlp.fc2.bias", FloatTensor.of(fc2b, D));
      w.put(p + "layer_scale2.lambda1", FloatTensor.of(ls2, D));
    }
    w.put("layernorm.weight", FloatTensor.of(filled(D, 1f), D));
    w.put("layernorm.bias", FloatTensor.of(new float[D], D));
    return w;
  }

  /** Unit vector over the payload dimensions with seeded signs. */
  private static float[] unitPayload(Random rng) {
    float[] u = new float[D];
    float s = (float) (1 / Math.sqrt(D - PAYLOAD_FROM));
    for (int d = PAYLOAD_FROM; d < D; d++) {
      u[d] = rng.nextBoolean() ? s : -s;
    }
    return u;
  }

  /**
   * Patch embedding {@code [D, 3, P, P]}: colour means, zero-mean texture probes, sub-block
   * colours.
   */
  private static float[] patchFilters(Random rng) {
    float[] w = new float[D * 3 * PATCH * PATCH];
    int area = PATCH * PATCH;
    // 0-2: mean colour
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < area; i++) {
        w[(c * 3 + c) * area + i] = 1f / area;
      }
    }
    // 3-26: texture probes on luma; zero mean so a flat patch gives 0
    for (int k = 0; k < PROBES; k++) {
      float[] pattern = new float[area];
      for (int y = 0; y < PATCH; y++) {
        for (int x = 0; x < PATCH; x++) {
          float value;
          if (k < 8) {
            // structured: left-right and top-bottom halves of the patch and of its quadrants
            int quadrant = k / 2;
            boolean horizontal = k % 2 == 0;
            int qx = quadrant % 2;
            int qy = quadrant / 2;
            if (quadrant == 0) {
              value = horizontal ? (x < PATCH / 2 ? 1 : -1) : (y < PATCH / 2 ? 1 : -1);
            } else {
              boolean inside =
                  (x / 7 == qx) && (y / 7 == qy) || quadrant == 3 && x / 7 == 1 && y / 7 == 1;
              value =
                  !inside
                      ? 0
                      : horizontal
                          ? (x % 7 < 3 ? 1 : x % 7 > 3 ? -1 : 0)
                          : (y % 7 < 3 ? 1 : y % 7 > 3 ? -1 : 0);
            }
          } else {
            value = 0; // filled below from 2x2 cells
          }
          pattern[y * PATCH + x] = value;
        }
      }
      if (k >= 8) {
        for (int cy = 0; cy < PATCH / 2; cy++) {
          for (int cx = 0; cx < PATCH / 2; cx++) {
            float value = rng.nextBoolean() ? 1 : -1;
            for (int dy = 0; dy < 2; dy++) {
              for (int dx = 0; dx < 2; dx++) {
                pattern[(2 * cy + dy) * PATCH + 2 * cx + dx] = value;
              }
            }
          }
        }
      }
      double mean = 0;
      double energy = 0;
      for (float v : pattern) {
        mean += v;
      }
      mean /= area;
      for (int i = 0; i < area; i++) {
        pattern[i] -= (float) mean;
        energy += pattern[i] * pattern[i];
      }
      float norm = (float) (PROBE_SCALE / Math.sqrt(energy));
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < area; i++) {
          w[((3 + k) * 3 + c) * area + i] = pattern[i] * norm / 3f;
        }
      }
    }
    // 27-38: colour means of the four 7x7 quadrants; 39-47: smooth colour ramps
    for (int qd = 0; qd < 4; qd++) {
      for (int c = 0; c < 3; c++) {
        int dim = 27 + qd * 3 + c;
        for (int y = 0; y < PATCH; y++) {
          for (int x = 0; x < PATCH; x++) {
            if (x / 7 == qd % 2 && y / 7 == qd / 2) {
              w[(dim * 3 + c) * area + y * PATCH + x] = 0.5f / 49f;
            }
          }
        }
      }
    }
    for (int dim = 0; dim < D; dim++) {
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < area; i++) {
          w[(dim * 3 + c) * area + i] += UNIFORM_LUMA_GAIN / (3f * area);
        }
      }
    }
    for (int dim = 39; dim < 48; dim++) {
      float[] mix = {
        (float) rng.nextGaussian(), (float) rng.nextGaussian(), (float) rng.nextGaussian()
      };
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < area; i++) {
          w[(dim * 3 + c) * area + i] = 0.3f * mix[c] / area;
        }
      }
    }
    return w;
  }

  /**
   * Block 1 MLP: neurons 2k, 2k+1 compute GELU(±a·probe_k); their sum goes to the energy dimension.
   */
  private static void plantEnergy(float[] fc1, float[] fc1b, float[] fc2, float[] ls2) {
    for (int k = 0; k < PROBES; k++) {
      for (int s = 0; s < 2; s++) {
        int neuron = 2 * k + s;
        java.util.Arrays.fill(fc1, neuron * D, (neuron + 1) * D, 0f);
        fc1[neuron * D + 3 + k] = s == 0 ? ENERGY_GAIN : -ENERGY_GAIN;
        for (int d = 0; d < D; d++) {
          fc2[d * MLP + neuron] = d == ENERGY ? ENERGY_WEIGHT : 0f;
        }
      }
    }
    // A token without the constant pattern (mean sign-weighted LN over dims 56-95 near 0 instead of
    // about 2) is not an image patch: give it a high energy so it never wins the soft minimum.
    int n = NON_REAL_NEURON;
    java.util.Arrays.fill(fc1, n * D, (n + 1) * D, 0f);
    for (int d = CONST_FROM; d < CONST_TO; d++) {
      fc1[n * D + d] =
          -NON_REAL_ENERGY * ((d - CONST_FROM) % 2 == 0 ? 1 : -1) / (CONST_TO - CONST_FROM);
    }
    fc1b[n] = NON_REAL_ENERGY;
    for (int d = 0; d < D; d++) {
      fc2[d * MLP + n] = d == ENERGY ? 1f : 0f;
    }
    ls2[ENERGY] = 1f;
  }

  /**
   * Block 2, head 0: query constant, key = −λ·E, value = E, output to dim 49: a sharp soft minimum
   * of E.
   */
  private static void plantSoftMin(
      float[] q, float[] qb, float[] k, float[] v, float[] o, float[] ls1, float[] constPattern) {
    clearRows(q, 0, HEAD_DIM);
    clearRows(k, 0, HEAD_DIM);
    clearRows(v, 0, HEAD_DIM);
    qb[0] = HEAD_DIM > 0 ? (float) Math.sqrt(HEAD_DIM) : 1f; // logit = q·k / sqrt(dh) = k[0]
    k[ENERGY] = -SOFTMIN_SHARPNESS;
    v[ENERGY] = 1f;
    for (int d = 0; d < D; d++) {
      for (int j = 0; j < HEAD_DIM; j++) {
        o[d * D + j] = d == SOFT_MIN && j == 0 ? SOFTMIN_OUT : 0f;
      }
      if (d == SOFT_MIN) {
        for (int j = HEAD_DIM; j < D; j++) {
          o[d * D + j] = 0f;
        }
      }
    }
    ls1[SOFT_MIN] = 1f;
  }

  /**
   * Block 2 MLP: a saturating flag. With z = β·(LN[49] − LN[48] + margin), A = GELU(−z) and B =
   * GELU(−z − 1) differ by 1 on every token that is not among the flattest and by 0 on those that
   * are; the flag dimension gets level·(1 − (A − B)): a clean 0/level switch, steep enough that no
   * token sits half-way. A and B fire on most tokens, so the sparsity filter of neuron discovery
   * ignores them.
   */
  private static void plantFlag(
      float[] fc1, float[] fc1b, float[] fc2, float[] fc2b, float[] ls2, float flatMargin) {
    for (int i = 0; i < 2; i++) {
      int n = FLAG_NEURONS[i];
      java.util.Arrays.fill(fc1, n * D, (n + 1) * D, 0f);
      fc1[n * D + SOFT_MIN] = -FLAG_STEEPNESS;
      fc1[n * D + ENERGY] = FLAG_STEEPNESS;
      fc1b[n] = -FLAG_STEEPNESS * flatMargin - i;
      for (int d = 0; d < D; d++) {
        fc2[d * MLP + n] = d == FLAG ? (i == 0 ? -FLAG_LEVEL : FLAG_LEVEL) : 0f;
      }
    }
    fc2b[FLAG] = FLAG_LEVEL;
    ls2[FLAG] = 1f;
  }

  /** Block 3: the register neurons fire on flagged tokens and write c·u, a large vector. */
  private static void plantRegisterNeurons(
      float[] fc1, float[] fc1b, float[] fc2, float[] ls2, float[] payload) {
    for (int j = 0; j < REGISTER_NEURONS.length; j++) {
      int n = REGISTER_NEURONS[j];
      java.util.Arrays.fill(fc1, n * D, (n + 1) * D, 0f);
      fc1[n * D + FLAG] = FIRE_GAIN[j];
      fc1b[n] = -FIRE_GAIN[j] * FIRE_THRESHOLD;
      for (int d = 0; d < D; d++) {
        fc2[d * MLP + n] = PAYLOAD[j] * payload[d];
      }
    }
    for (int d = PAYLOAD_FROM; d < D; d++) {
      ls2[d] = 1f;
    }
  }

  /**
   * Blocks 4-7: every head queries the constant pattern and keys on the payload; values skip the
   * payload.
   */
  private static void plantSink(
      float[] q, float[] k, float[] v, float[] payload, float[] constPattern, Random rng) {
    for (int h = 0; h < HEADS; h++) {
      int row = h * HEAD_DIM;
      java.util.Arrays.fill(q, row * D, (row + 1) * D, 0f);
      java.util.Arrays.fill(k, row * D, (row + 1) * D, 0f);
      for (int d = CONST_FROM; d < CONST_TO; d++) {
        q[row * D + d] = SINK_QUERY * Math.signum(constPattern[d]) / (CONST_TO - CONST_FROM);
      }
      for (int d = PAYLOAD_FROM; d < D; d++) {
        k[row * D + d] =
            SINK_KEY * payload[d] * (float) Math.sqrt(D - PAYLOAD_FROM) / (D - PAYLOAD_FROM) * 8f;
      }
    }
    for (int r = 0; r < D; r++) {
      for (int d = 48; d < D; d++) {
        v[r * D + d] = 0f; // values read content only
      }
      for (int d = 0; d < 48; d++) {
        v[r * D + d] = 0.05f * (float) rng.nextGaussian();
      }
    }
  }

  private static void clearRows(float[] w, int from, int to) {
    java.util.Arrays.fill(w, from * D, to * D, 0f);
  }

  private static float[] filled(int n, float value) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, value);
    return a;
  }

  private static float[] gaussian(Random rng, int n, float std) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = std * (float) rng.nextGaussian();
    }
    return a;
  }

  static String config(boolean registers) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add(registers ? "Dinov2WithRegistersModel" : "Dinov2Model");
    c.put("attention_probs_dropout_prob", 0.0);
    c.put("drop_path_rate", 0.0);
    c.put("hidden_act", "gelu");
    c.put("hidden_dropout_prob", 0.0);
    c.put("hidden_size", D);
    c.put("image_size", IMAGE);
    c.put("initializer_range", 0.02);
    if (registers) {
      c.put("interpolate_antialias", true);
      c.put("interpolate_offset", 0.0);
    }
    c.put("layer_norm_eps", 1e-6);
    c.put("layerscale_value", 1.0);
    c.put("mlp_ratio", 4);
    c.put("model_type", registers ? "dinov2_with_registers" : "dinov2");
    c.put("num_attention_heads", HEADS);
    c.put("num_channels", 3);
    c.put("num_hidden_layers", LAYERS);
    if (registers) {
      c.put("num_register_tokens", REGISTERS);
    }
    c.put("patch_size", PATCH);
    c.put("qkv_bias", true);
    c.put("torch_dtype", "float32");
    c.put("use_swiglu_ffn", false);
    c.put("sinkscope_phantom", "synthetic, untrained, hand-wired; see README.md");
    return JSON.writeValueAsString(c) + "\n";
  }

  static String preprocessorConfig() throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.putObject("crop_size").put("height", IMAGE).put("width", IMAGE);
    c.put("do_center_crop", true);
    c.put("do_convert_rgb", true);
    c.put("do_normalize", true);
    c.put("do_rescale", true);
    c.put("do_resize", true);
    ArrayNode mean = c.putArray("image_mean");
    mean.add(0.485).add(0.456).add(0.406);
    c.put("image_processor_type", "BitImageProcessor");
    ArrayNode std = c.putArray("image_std");
    std.add(0.229).add(0.224).add(0.225);
    c.put("resample", 3);
    c.put("rescale_factor", 0.00392156862745098);
    c.putObject("size").put("shortest_edge", 256);
    return JSON.writeValueAsString(c) + "\n";
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
}
