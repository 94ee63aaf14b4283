package dev.sinkscope.inference.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.model.Pooling;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forward pass shared by every supported family, written with NDArray ops and an explicit
 * attention matrix so every map can be captured.
 *
 * <p>Dimension legend: B = 1 batch, C = 3 channels, P patch size, h x w patch grid, N = h*w,
 * T tokens (prefix + N + appended), D width, H heads, dh = D/H, M MLP neurons.
 *
 * <p>Not thread-safe: run all passes of one model on one thread.
 */
public final class VitForward {
  private final VitModel model;
  private final ModelSpec spec;

  public VitForward(VitModel model) {
    this.model = model;
    this.spec = model.spec();
  }

  public VitModel model() {
    return model;
  }

  /** A full pass over {@code pixelValues} {@code [1, 3, H, W]}. */
  public ForwardResult run(FloatTensor pixelValues, ForwardHooks hooks, CaptureOptions capture,
      CancellationToken cancel, ProgressListener progress) {
    return run(pixelValues, hooks, capture, cancel, progress, null, 0);
  }

  /**
   * A pass that reuses the first {@code resumeBlock} blocks of {@code prior} (same input, same
   * hooks up to that block) and recomputes the rest with {@code hooks}.
   *
   * @param resumeBlock 0-based index of the first block to recompute; 0 recomputes everything
   */
  public ForwardResult run(FloatTensor pixelValues, ForwardHooks hooks, CaptureOptions capture,
      CancellationToken cancel, ProgressListener progress, ForwardResult prior, int resumeBlock) {
    int[] ps = pixelValues.shape();
    if (ps.length != 4 || ps[0] != 1 || ps[1] != 3) {
      throw new IllegalArgumentException("pixel_values must be [1, 3, H, W], got " + pixelValues);
    }
    int height = ps[2];
    int width = ps[3];
    int p = spec.patchSize();
    if (height % p != 0 || width % p != 0 || height < p || width < p) {
      throw new IllegalArgumentException("input " + height + "x" + width + " is not a multiple of the patch size " + p);
    }
    TokenLayout baseLayout = spec.tokenLayout(height, width);
    TokenLayout layout = hooks.layoutAfterEmbeddings(baseLayout);
    boolean resume = prior != null && resumeBlock > 0 && resumeBlock <= spec.numLayers()
        && prior.layout().equals(layout) && java.util.Arrays.equals(prior.pixelValues().shape(), ps);
    PassContext context = new PassContext();
    int d = spec.hiddenSize();
    int t = layout.totalTokens();
    List<LayerCapture> captures = new ArrayList<>(spec.numLayers());
    FloatTensor embeddings;
    try (NDManager pass = model.root().newSubManager()) {
      NDArray x; // [1, T, D]
      int start;
      if (resume) {
        embeddings = prior.embeddings();
        captures.addAll(prior.layers().subList(0, resumeBlock));
        FloatTensor hidden = prior.block(resumeBlock).hidden();
        x = pass.create(hidden.data(), new Shape(1, t, d));
        start = resumeBlock;
      } else {
        x = embed(pass, pixelValues, baseLayout);
        x = hooks.afterEmbeddings(x, baseLayout, context);
        if (x.getShape().get(1) != t) {
          throw new IllegalStateException("hooks produced " + x.getShape() + " tokens, layout says " + t);
        }
        if (model.preNormW != null) {
          x = layerNorm(x, model.preNormW, model.preNormB);
        }
        embeddings = host(x, t, d);
        start = 0;
      }
      progress.blocksDone(start, spec.numLayers());
      for (int i = start; i < spec.numLayers(); i++) {
        cancel.throwIfCancelled();
        try (NDManager blockScope = pass.newSubManager()) {
          x.attach(blockScope); // the previous residual is freed with this block's temporaries
          NDArray out = block(i, x, hooks, layout, capture, context, captures);
          out.attach(pass);
          x = out;
        }
        progress.blocksDone(i + 1, spec.numLayers());
      }
      FloatTensor last;
      FloatTensor pooled = null;
      if (spec.finalNormAllTokens()) {
        NDArray normed = layerNorm(x, model.normW, model.normB); // [1, T, D]
        last = host(normed, t, d);
        if (spec.pooling() == Pooling.NORMED_CLS) {
          pooled = FloatTensor.of(last.row(0), d);
        } else if (spec.pooling() == Pooling.TANH_DENSE) {
          NDArray clsRow = normed.get(":, 0, :"); // [1, D]
          NDArray dense = Linear.linear(clsRow, model.poolerW, model.poolerB).singletonOrThrow().tanh();
          pooled = FloatTensor.of(toHost(dense), d);
        }
      } else {
        last = host(x, t, d);
        if (spec.pooling() == Pooling.POST_LAYERNORM_CLS) {
          NDArray clsRow = x.get(":, 0:1, :"); // [1, 1, D]
          pooled = FloatTensor.of(toHost(layerNorm(clsRow, model.normW, model.normB)), d);
        }
      }
      Map<String, FloatTensor> debug = new LinkedHashMap<>();
      if (!resume && (height / p != spec.nativeGrid() || width / p != spec.nativeGrid())) {
        NDArray pos = model.positionsFor(height / p, width / p);
        debug.put("debug.interpolated_position_embeddings",
            new FloatTensor(new int[] {1, (int) pos.getShape().get(1), d}, toHost(pos)));
      }
      debug.putAll(context.debug());
      if (resume) {
        prior.debug().forEach(debug::putIfAbsent);
      }
      return new ForwardResult(spec, layout, pixelValues, embeddings, captures, last, pooled, debug,
          model.device().toString());
    }
  }

  /** Patch embedding, prefix tokens and position embeddings: {@code [1, T, D]} before hooks. */
  private NDArray embed(NDManager pass, FloatTensor pixelValues, TokenLayout layout) {
    int d = spec.hiddenSize();
    int p = spec.patchSize();
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    int[] ps = pixelValues.shape();
    NDArray pixels = pass.create(pixelValues.data(), new Shape(1, 3, ps[2], ps[3])); // [1, C, H, W]
    NDArray patches = Conv2d.conv2d(pixels, model.patchW, model.patchB, new Shape(p, p), new Shape(0, 0),
        new Shape(1, 1), 1).singletonOrThrow(); // [1, D, h, w]
    patches = patches.reshape(1, d, (long) rows * cols).transpose(0, 2, 1); // [1, N, D]
    NDArray positions = model.positionsFor(rows, cols); // [1, N_prefix + N, D]
    NDList positioned = new NDList();
    if (spec.positionTableHasPrefix()) {
      addPrefix(positioned, pass);
    }
    positioned.add(patches);
    NDArray x = positioned.size() == 1 ? patches : NDArrays.concat(positioned, 1);
    x = x.add(positions); // [1, N_prefix + N, D]
    NDList ordered = new NDList();
    if (!spec.positionTableHasPrefix()) {
      addPrefix(ordered, pass);
      ordered.add(x);
      x = ordered.size() == 1 ? x : NDArrays.concat(ordered, 1);
    }
    if (model.registers != null) {
      // Registers sit after CLS (and distillation) and carry no position embedding.
      int prefix = (spec.hasCls() ? 1 : 0) + (spec.hasDistillation() ? 1 : 0);
      NDList parts = new NDList();
      if (prefix > 0) {
        parts.add(x.get(":, :" + prefix + ", :"));
      }
      parts.add(inScope(model.registers, pass));
      parts.add(x.get(":, " + prefix + ":, :"));
      x = NDArrays.concat(parts, 1);
    }
    return x;
  }

  private void addPrefix(NDList list, NDManager pass) {
    if (model.cls != null) {
      list.add(inScope(model.cls, pass));
    }
    if (model.distillation != null) {
      list.add(inScope(model.distillation, pass));
    }
  }

  /** A per-pass copy of a weight, so ops that take it as receiver do not allocate in the model scope. */
  private static NDArray inScope(NDArray weight, NDManager pass) {
    NDArray copy = weight.duplicate();
    copy.attach(pass);
    return copy;
  }

  private NDArray block(int i, NDArray x, ForwardHooks hooks, TokenLayout layout, CaptureOptions capture,
      PassContext context, List<LayerCapture> captures) {
    VitModel.Block w = model.blocks.get(i);
    int d = spec.hiddenSize();
    int heads = spec.numHeads();
    int dh = spec.headDim();
    long t = x.getShape().get(1);

    // --- attention
    NDArray h = layerNorm(x, w.norm1W(), w.norm1B());                              // [1, T, D]
    NDArray qkv = Linear.linear(h, w.qkvW(), w.qkvB()).singletonOrThrow();         // [1, T, 3D]
    qkv = qkv.reshape(1, t, 3, heads, dh).transpose(2, 0, 3, 1, 4);               // [3, 1, H, T, dh]
    NDArray q = qkv.get(0);                                                         // [1, H, T, dh]
    NDArray k = qkv.get(1);
    NDArray v = qkv.get(2);
    NDArray logits = q.matMul(k.transpose(0, 1, 3, 2)).mul((float) (1.0 / Math.sqrt(dh))); // [1, H, T, T]
    NDArray custom = hooks.normalizeAttention(i, logits, layout, context);
    NDArray probs = custom != null ? custom : logits.softmax(-1);                  // [1, H, T, T]
    NDArray headOut = probs.matMul(v);                                              // [1, H, T, dh]
    headOut = hooks.headOutputs(i, headOut, layout, context);
    NDArray merged = headOut.transpose(0, 2, 1, 3).reshape(1, t, d);                // [1, T, D]
    NDArray attnOut = Linear.linear(merged, w.projW(), w.projB()).singletonOrThrow(); // [1, T, D]
    if (w.ls1() != null) {
      attnOut = attnOut.mul(w.ls1());
    }
    NDArray afterAttn = x.add(attnOut);                                             // [1, T, D]

    // --- MLP
    NDArray h2 = layerNorm(afterAttn, w.norm2W(), w.norm2B());                      // [1, T, D]
    NDArray pre = Linear.linear(h2, w.fc1W(), w.fc1B()).singletonOrThrow();        // [1, T, M] (SwiGLU: [1, T, 2M])
    NDArray act = activate(pre);                                                    // [1, T, M]
    act = hooks.mlpActivations(i, act, layout, context);
    NDArray mlpOut = Linear.linear(act, w.fc2W(), w.fc2B()).singletonOrThrow();    // [1, T, D]
    if (w.ls2() != null) {
      mlpOut = mlpOut.mul(w.ls2());
    }
    NDArray out = afterAttn.add(mlpOut);                                            // [1, T, D]

    int tokens = (int) t;
    captures.add(new LayerCapture(i + 1, host(out, tokens, d),
        capture.attentionMaps() ? new FloatTensor(new int[] {heads, tokens, tokens}, toHost(probs)) : null,
        capture.mlpActivations() ? new FloatTensor(new int[] {tokens, spec.intermediateSize()}, toHost(act)) : null));
    return out;
  }

  private NDArray activate(NDArray pre) {
    return switch (spec.activation()) {
      case GELU -> Activation.gelu(pre);
      case QUICK_GELU -> pre.mul(Activation.sigmoid(pre.mul(1.702f)));
      case GELU_TANH -> {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        NDArray inner = pre.add(pre.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
        yield pre.mul(inner.tanh().add(1f)).mul(0.5f);
      }
      case SWIGLU -> {
        long m = spec.intermediateSize();
        NDArray x1 = pre.get(":, :, :" + m);
        NDArray x2 = pre.get(":, :, " + m + ":");
        yield x1.mul(Activation.sigmoid(x1)).mul(x2);
      }
    };
  }

  private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
    return LayerNorm.layerNorm(x, new Shape(spec.hiddenSize()), weight, bias, (float) spec.layerNormEps())
        .singletonOrThrow();
  }

  private static FloatTensor host(NDArray x, int tokens, int width) {
    return new FloatTensor(new int[] {tokens, width}, toHost(x));
  }

  /** Copies to a host float[] (via the CPU when the array lives on a GPU). */
  static float[] toHost(NDArray a) {
    NDArray cpu = a.getDevice().equals(Device.cpu()) ? a : a.toDevice(Device.cpu(), false);
    NDArray f = cpu.getDataType() == DataType.FLOAT32 ? cpu : cpu.toType(DataType.FLOAT32, false);
    return f.toFloatArray();
  }
}
