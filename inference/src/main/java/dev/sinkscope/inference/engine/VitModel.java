package dev.sinkscope.inference.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sinkscope.inference.model.BlockWeight;
import dev.sinkscope.inference.model.CanonicalWeights;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.ModelLoadException;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.model.WeightRef;
import dev.sinkscope.inference.result.TokenLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ViT's weights on one device, in the canonical layout the forward pass reads. Owns the root
 * {@link NDManager}; close it to free the native memory.
 *
 * <p>Weights are read from the memory-mapped safetensors files straight into native tensors
 * (F16/BF16 widened off-heap), so a checkpoint is never held in the Java heap.
 */
public final class VitModel implements AutoCloseable {

  /** One block's weights; q, k, v fused into one {@code [3D, D]} projection. */
  record Block(
      NDArray norm1W,
      NDArray norm1B,
      NDArray qkvW,
      NDArray qkvB,
      NDArray projW,
      NDArray projB,
      NDArray ls1,
      NDArray norm2W,
      NDArray norm2B,
      NDArray fc1W,
      NDArray fc1B,
      NDArray fc2W,
      NDArray fc2B,
      NDArray ls2,
      NDArray gateW,
      NDArray gateB) {}

  private final ModelSpec spec;
  private final NDManager root;
  private final NDManager positionCacheScope;
  private final Device device;
  private final Precision precision;
  final NDArray patchW; // [D, 3, P, P]
  final NDArray patchB; // [D] (zeros when the checkpoint has none)
  final NDArray cls; // [1, 1, D] or null
  final NDArray distillation; // [1, 1, D] or null
  final NDArray registers; // [1, R, D] or null
  final NDArray position; // [1, N_pos, D], or null with rotary embeddings (DINOv3)
  final NDArray preNormW; // [D] or null
  final NDArray preNormB;
  final NDArray normW; // [D]
  final NDArray normB;
  final NDArray poolerW; // [D, D] or null
  final NDArray poolerB;
  final List<Block> blocks;
  final ProbeHead probeHead; // SigLIP's attention-pooling head, or null
  private final float[] positionTableHost; // [N_pos, D], for host-side resampling
  private final Map<Long, NDArray> resizedPositions = new LinkedHashMap<>();
  private final Map<TokenLayout, NDArray[]> rotaryTables = new LinkedHashMap<>();

  /**
   * SigLIP's multi-head attention-pooling head, in float32: probe {@code [1, 1, D]}, packed q|k|v
   * {@code [3D, D]} / {@code [3D]}, output projection, LayerNorm and MLP.
   */
  record ProbeHead(
      NDArray probe,
      NDArray qkvW,
      NDArray qkvB,
      NDArray projW,
      NDArray projB,
      NDArray normW,
      NDArray normB,
      NDArray fc1W,
      NDArray fc1B,
      NDArray fc2W,
      NDArray fc2B) {}

  private VitModel(
      ModelSpec spec,
      NDManager root,
      Map<String, NDArray> w,
      float[] positionTableHost,
      Precision precision) {
    this.spec = spec;
    this.root = root;
    this.device = root.getDevice();
    this.precision = precision;
    this.positionCacheScope = root.newSubManager();
    int d = spec.hiddenSize();
    this.patchW = w.get(CanonicalWeights.PATCH_WEIGHT);
    this.patchB =
        w.containsKey(CanonicalWeights.PATCH_BIAS)
            ? w.get(CanonicalWeights.PATCH_BIAS)
            : root.zeros(new Shape(d));
    this.cls = reshapeOrNull(w.get(CanonicalWeights.CLS), 1, 1, d);
    this.distillation = reshapeOrNull(w.get(CanonicalWeights.DISTILLATION), 1, 1, d);
    this.registers = reshapeOrNull(w.get(CanonicalWeights.REGISTERS), 1, spec.registers(), d);
    NDArray pos = w.get(CanonicalWeights.POSITION);
    this.position = pos == null ? null : pos.reshape(1, pos.size() / d, d);
    this.preNormW = w.get(CanonicalWeights.PRE_NORM_WEIGHT);
    this.preNormB = w.get(CanonicalWeights.PRE_NORM_BIAS);
    this.normW = w.get(CanonicalWeights.FINAL_NORM_WEIGHT);
    this.normB = w.get(CanonicalWeights.FINAL_NORM_BIAS);
    this.poolerW = w.get(CanonicalWeights.POOLER_WEIGHT);
    this.poolerB = w.get(CanonicalWeights.POOLER_BIAS);
    this.positionTableHost = positionTableHost;
    List<Block> list = new ArrayList<>();
    for (int i = 0; i < spec.numLayers(); i++) {
      NDArray qkvW = w.get(CanonicalWeights.block(i, BlockWeight.QKV_WEIGHT));
      NDArray qkvB = w.get(CanonicalWeights.block(i, BlockWeight.QKV_BIAS));
      if (qkvW == null) {
        qkvW =
            NDArrays3.concat0(
                w.get(CanonicalWeights.block(i, BlockWeight.Q_WEIGHT)),
                w.get(CanonicalWeights.block(i, BlockWeight.K_WEIGHT)),
                w.get(CanonicalWeights.block(i, BlockWeight.V_WEIGHT)));
        NDArray qb = w.get(CanonicalWeights.block(i, BlockWeight.Q_BIAS));
        NDArray kb = w.get(CanonicalWeights.block(i, BlockWeight.K_BIAS));
        NDArray vb = w.get(CanonicalWeights.block(i, BlockWeight.V_BIAS));
        qkvB = NDArrays3.concat0(orZeros(qb, d, root), orZeros(kb, d, root), orZeros(vb, d, root));
      } else if (qkvB == null) {
        qkvB = root.zeros(new Shape(3L * d));
      }
      // The 1/sqrt(dh) of the attention logits goes into the query rows once, here, instead of
      // scaling every [H, T, T] logit map; for dh a power of 4 the factor is a power of 2, so the
      // logits are bit-identical to scaling after the product.
      NDArray qkvScale = root.create(querySideScale(d, spec.headDim()), new Shape(3L * d));
      NDArray scaledW = foldRows(qkvW, qkvScale);
      NDArray scaledB = foldRows(qkvB, qkvScale);
      qkvScale.close();
      NDArray projW = w.get(CanonicalWeights.block(i, BlockWeight.PROJ_WEIGHT));
      NDArray projB = orZeros(w.get(CanonicalWeights.block(i, BlockWeight.PROJ_BIAS)), d, root);
      NDArray fc2W = w.get(CanonicalWeights.block(i, BlockWeight.FC2_WEIGHT));
      NDArray fc2B = orZeros(w.get(CanonicalWeights.block(i, BlockWeight.FC2_BIAS)), d, root);
      NDArray fc1W = w.get(CanonicalWeights.block(i, BlockWeight.FC1_WEIGHT));
      NDArray fc1B =
          orZeros(
              w.get(CanonicalWeights.block(i, BlockWeight.FC1_BIAS)),
              (int) fc1W.getShape().get(0),
              root);
      NDArray gateProjW = w.get(CanonicalWeights.block(i, BlockWeight.FC1_GATE_WEIGHT));
      if (gateProjW != null) {
        // A gated MLP stored as gate_proj and up_proj: packed [gate; up] = [x1; x2] for silu(x1) *
        // x2.
        NDArray gateProjB =
            orZeros(
                w.get(CanonicalWeights.block(i, BlockWeight.FC1_GATE_BIAS)),
                (int) gateProjW.getShape().get(0),
                root);
        fc1W = concat0(gateProjW, fc1W);
        fc1B = concat0(gateProjB, fc1B);
      }
      NDArray ls1 = w.get(CanonicalWeights.block(i, BlockWeight.LS1));
      NDArray ls2 = w.get(CanonicalWeights.block(i, BlockWeight.LS2));
      // In float32 the layer scales go into the output rows of proj and fc2 (one multiply less per
      // branch). In half precision they stay separate: scales near 1e-5 times weights would
      // underflow fp16.
      if (precision == Precision.FP32 && ls1 != null) {
        projW = foldRows(projW, ls1);
        projB = foldRows(projB, ls1);
        ls1.close();
        ls1 = null;
      }
      if (precision == Precision.FP32 && ls2 != null) {
        fc2W = foldRows(fc2W, ls2);
        fc2B = foldRows(fc2B, ls2);
        ls2.close();
        ls2 = null;
      }
      list.add(
          new Block(
              w.get(CanonicalWeights.block(i, BlockWeight.NORM1_WEIGHT)),
              w.get(CanonicalWeights.block(i, BlockWeight.NORM1_BIAS)),
              matmulWeight(scaledW),
              matmulWeight(scaledB),
              matmulWeight(projW),
              matmulWeight(projB),
              ls1,
              w.get(CanonicalWeights.block(i, BlockWeight.NORM2_WEIGHT)),
              w.get(CanonicalWeights.block(i, BlockWeight.NORM2_BIAS)),
              matmulWeight(fc1W),
              matmulWeight(fc1B),
              matmulWeight(fc2W),
              matmulWeight(fc2B),
              ls2,
              matmulWeight(w.get(CanonicalWeights.block(i, BlockWeight.GATE_WEIGHT))),
              matmulWeight(gateBias(w, i, spec, root))));
    }
    this.blocks = List.copyOf(list);
    this.probeHead =
        w.containsKey(CanonicalWeights.HEAD_PROBE)
            ? new ProbeHead(
                w.get(CanonicalWeights.HEAD_PROBE).reshape(1, 1, d),
                w.get(CanonicalWeights.HEAD_QKV_WEIGHT),
                w.get(CanonicalWeights.HEAD_QKV_BIAS),
                w.get(CanonicalWeights.HEAD_PROJ_WEIGHT),
                w.get(CanonicalWeights.HEAD_PROJ_BIAS),
                w.get(CanonicalWeights.HEAD_NORM_WEIGHT),
                w.get(CanonicalWeights.HEAD_NORM_BIAS),
                w.get(CanonicalWeights.HEAD_FC1_WEIGHT),
                w.get(CanonicalWeights.HEAD_FC1_BIAS),
                w.get(CanonicalWeights.HEAD_FC2_WEIGHT),
                w.get(CanonicalWeights.HEAD_FC2_BIAS))
            : null;
  }

  /** Two tensors joined along axis 0 (the parts are freed). */
  private NDArray concat0(NDArray a, NDArray b) {
    NDArray joined = ai.djl.ndarray.NDArrays.concat(new NDList(a, b), 0);
    joined.attach(root);
    a.close();
    b.close();
    return joined;
  }

  /**
   * The trained gate's bias, zeros when the checkpoint has a gate without one; null without gates.
   */
  private static NDArray gateBias(
      Map<String, NDArray> w, int block, ModelSpec spec, NDManager root) {
    if (!w.containsKey(CanonicalWeights.block(block, BlockWeight.GATE_WEIGHT))) {
      return null;
    }
    NDArray bias = w.get(CanonicalWeights.block(block, BlockWeight.GATE_BIAS));
    long rows = w.get(CanonicalWeights.block(block, BlockWeight.GATE_WEIGHT)).getShape().get(0);
    return bias != null ? bias : root.zeros(new Shape(rows));
  }

  /** {@code [3D]}: 1/sqrt(dh) for the query rows, 1 for key and value rows. */
  static float[] querySideScale(int d, int headDim) {
    float[] scale = new float[3 * d];
    java.util.Arrays.fill(scale, 0, d, (float) (1.0 / Math.sqrt(headDim)));
    java.util.Arrays.fill(scale, d, 3 * d, 1f);
    return scale;
  }

  /**
   * Multiplies row r of {@code a} ({@code [R]} or {@code [R, C]}) by {@code scale[r]}; frees {@code
   * a}.
   */
  private NDArray foldRows(NDArray a, NDArray scale) {
    long[] shape = a.getShape().getShape();
    NDArray s = shape.length == 1 ? scale : scale.reshape(shape[0], 1);
    NDArray folded = a.mul(s);
    folded.attach(root);
    if (s != scale) {
      s.close();
    }
    a.close();
    return folded;
  }

  /** The weight in the matmul type of the precision (the fp32 original is freed when cast). */
  private NDArray matmulWeight(NDArray a) {
    if (a == null || a.getDataType() == precision.matmulType()) {
      return a;
    }
    NDArray cast = a.toType(precision.matmulType(), true);
    cast.attach(root);
    a.close();
    return cast;
  }

  private static NDArray orZeros(NDArray a, int d, NDManager m) {
    return a != null ? a : m.zeros(new Shape(d));
  }

  private static NDArray reshapeOrNull(NDArray a, long... shape) {
    return a == null ? null : a.reshape(shape);
  }

  /** Loads every weight of {@code checkpoint} onto {@code device} in float32. */
  public static VitModel load(Checkpoint checkpoint, Device device) throws ModelLoadException {
    return load(checkpoint, device, Precision.FP32);
  }

  /**
   * Loads every weight of {@code checkpoint} onto {@code device}; with {@link Precision#FP16} the
   * linear-layer weights are cast to half precision once, here.
   */
  public static VitModel load(Checkpoint checkpoint, Device device, Precision precision)
      throws ModelLoadException {
    NDManager root = NDManager.newBaseManager(device);
    try {
      Map<String, NDArray> weights = new LinkedHashMap<>();
      float[] positionHost = null;
      for (Map.Entry<String, WeightRef> e : checkpoint.weights().entrySet()) {
        WeightRef ref = e.getValue();
        ByteBuffer values;
        try {
          values = ref.file().readAsFloat32(ref.key());
        } catch (IOException io) {
          throw new ModelLoadException(
              ref.file().path(), "cannot read tensor '" + ref.key() + "': " + io.getMessage(), io);
        }
        Shape shape = new Shape(ref.info().shape());
        // The engine wraps direct buffers without copying; duplicate so no tensor aliases the
        // read-only mapping.
        NDArray array;
        try (NDManager staging = root.newSubManager()) {
          NDArray view = staging.create(values, shape, DataType.FLOAT32);
          array = view.duplicate();
          array.attach(root);
        }
        weights.put(e.getKey(), array);
        if (e.getKey().equals(CanonicalWeights.POSITION)) {
          positionHost = new float[values.remaining() / 4];
          values.duplicate().order(values.order()).asFloatBuffer().get(positionHost);
        }
      }
      return new VitModel(checkpoint.spec(), root, weights, positionHost, precision);
    } catch (ModelLoadException | RuntimeException e) {
      root.close();
      throw e;
    }
  }

  public ModelSpec spec() {
    return spec;
  }

  public Device device() {
    return device;
  }

  public Precision precision() {
    return precision;
  }

  NDManager root() {
    return root;
  }

  /** Number of native arrays owned by the model, for leak checks. */
  public int managedArrayCount() {
    return root.getManagedArrays().size();
  }

  /**
   * Position embeddings for a {@code rows x cols} grid: {@code [1, N_prefix + rows*cols, D]}, where
   * N_prefix is the number of prefix tokens the table has entries for. Resized tables are cached.
   */
  synchronized NDArray positionsFor(int rows, int cols) {
    if (position == null) {
      return null;
    }
    int g = spec.nativeGrid();
    if (rows == g && cols == g) {
      return position;
    }
    long key = ((long) rows << 32) | cols;
    NDArray cached = resizedPositions.get(key);
    if (cached != null) {
      return cached;
    }
    int d = spec.hiddenSize();
    int prefix = spec.positionedPrefixTokens();
    boolean antialias = spec.interpolation() == PositionInterpolation.BICUBIC_ANTIALIAS;
    float[] wh =
        antialias
            ? PositionResampler.antialiasedBicubicWeights(g, rows)
            : PositionResampler.bicubicWeights(g, rows);
    float[] ww =
        antialias
            ? PositionResampler.antialiasedBicubicWeights(g, cols)
            : PositionResampler.bicubicWeights(g, cols);
    NDManager m = positionCacheScope;
    try (NDManager scratch = m.newSubManager()) {
      // grid [D, g, g] from the patch part of the table [g*g, D]
      NDArray table = scratch.create(positionTableHost, new Shape(prefix + (long) g * g, d));
      NDArray grid = table.get(prefix + ":").transpose(1, 0).reshape(d, g, g);
      NDArray rowsW = scratch.create(wh, new Shape(rows, g)); // [rows, g]
      NDArray colsW = scratch.create(ww, new Shape(cols, g)); // [cols, g]
      NDArray resized = rowsW.matMul(grid).matMul(colsW.transpose(1, 0)); // [D, rows, cols]
      NDArray patches = resized.reshape(d, (long) rows * cols).transpose(1, 0); // [rows*cols, D]
      NDArray full = prefix > 0 ? table.get(":" + prefix).concat(patches, 0) : patches;
      NDArray result = full.reshape(1, prefix + (long) rows * cols, d);
      result.attach(m);
      resizedPositions.put(key, result);
      if (resizedPositions.size() > 8) {
        Long oldest = resizedPositions.keySet().iterator().next();
        resizedPositions.remove(oldest).close();
      }
      return result;
    }
  }

  /**
   * RoPE tables for every token of {@code layout}: {@code {cos, sin}}, each {@code [1, 1, T, dh]}
   * in the matmul type, with cos = 1 and sin = 0 (no rotation) on CLS, registers and appended
   * tokens. Cached per layout; null without rotary embeddings.
   */
  synchronized NDArray[] rotaryFor(TokenLayout layout) {
    if (spec.rope() == null) {
      return null;
    }
    NDArray[] cached = rotaryTables.get(layout);
    if (cached != null) {
      return cached;
    }
    int dh = spec.headDim();
    int t = layout.totalTokens();
    float[][] patches = spec.rope().tables(layout.gridRows(), layout.gridCols(), dh); // 2 x [N, dh]
    float[] cos = new float[t * dh];
    float[] sin = new float[t * dh];
    java.util.Arrays.fill(cos, 1f);
    System.arraycopy(patches[0], 0, cos, layout.firstPatchIndex() * dh, patches[0].length);
    System.arraycopy(patches[1], 0, sin, layout.firstPatchIndex() * dh, patches[1].length);
    NDArray[] tables = new NDArray[2];
    float[][] host = {cos, sin};
    for (int k = 0; k < 2; k++) {
      NDArray table = positionCacheScope.create(host[k], new Shape(1, 1, t, dh));
      if (table.getDataType() != precision.matmulType()) {
        NDArray cast = table.toType(precision.matmulType(), true);
        cast.attach(positionCacheScope);
        table.close();
        table = cast;
      }
      tables[k] = table;
    }
    rotaryTables.put(layout, tables);
    if (rotaryTables.size() > 8) {
      TokenLayout oldest = rotaryTables.keySet().iterator().next();
      for (NDArray a : rotaryTables.remove(oldest)) {
        a.close();
      }
    }
    return tables;
  }

  @Override
  public void close() {
    root.close();
  }

  /** Concatenation along axis 0 with the first array as receiver (results stay in its manager). */
  static final class NDArrays3 {
    private NDArrays3() {}

    /** Fuses three tensors along axis 0 and frees the parts. */
    static NDArray concat0(NDArray a, NDArray b, NDArray c) {
      NDArray fused = ai.djl.ndarray.NDArrays.concat(new NDList(a, b, c), 0);
      a.close();
      b.close();
      c.close();
      return fused;
    }
  }
}
