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
import dev.sinkscope.inference.model.BlockWeight;
import dev.sinkscope.inference.model.CanonicalWeights;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.model.Pooling;
import dev.sinkscope.inference.result.AttentionSummary;
import dev.sinkscope.inference.result.ClsLikeQuery;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.work.HeavyWork;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forward pass shared by every supported family, written with NDArray ops and an explicit
 * attention matrix so every map can be captured.
 *
 * <p>Dimension legend: B batch (1 except in unhooked {@link #runBatch} passes), C = 3 channels, P
 * patch size, h x w patch grid, N = h*w, T tokens (prefix + N + appended), D width, H heads, dh =
 * D/H, M MLP neurons.
 *
 * <p>Not thread-safe: run all passes of one model on one thread.
 *
 * <p>Long on purpose: one forward pass, its hooks and its resumable variants share the block loop
 * and its shapes; split, each piece would need the others' state.
 */
public final class VitForward {
  /** Target query rows per attention band on a CPU (see {@link #bandRows}). */
  static final int BAND_ROWS = 256;

  private final VitModel model;
  private final ModelSpec spec;

  /** Query rows per attention band; 0 = chosen by {@link #bandRows}. */
  private final int bandRows;

  public VitForward(VitModel model) {
    this(model, 0);
  }

  private VitForward(VitModel model, int bandRows) {
    this.model = model;
    this.spec = model.spec();
    this.bandRows = bandRows;
  }

  /**
   * The same pass with attention computed in bands of {@code rows} query rows ({@code 0}: the
   * default choice); any band size gives the same numbers, which tests check, and the bench
   * compares speeds.
   */
  public VitForward withAttentionBandRows(int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("band rows must be >= 0, got " + rows);
    }
    return new VitForward(model, rows);
  }

  public VitModel model() {
    return model;
  }

  /** A full pass over {@code pixelValues} {@code [1, 3, H, W]}. */
  public ForwardResult run(
      FloatTensor pixelValues,
      ForwardHooks hooks,
      CaptureOptions capture,
      CancellationToken cancel,
      ProgressListener progress) {
    return run(pixelValues, hooks, capture, cancel, progress, null, 0);
  }

  /**
   * A pass that reuses the first {@code resumeBlock} blocks of {@code prior} (same input, same
   * hooks up to that block) and recomputes the rest with {@code hooks}.
   *
   * @param resumeBlock 0-based index of the first block to recompute; 0 recomputes everything
   */
  public ForwardResult run(
      FloatTensor pixelValues,
      ForwardHooks hooks,
      CaptureOptions capture,
      CancellationToken cancel,
      ProgressListener progress,
      ForwardResult prior,
      int resumeBlock) {
    checkPixels(pixelValues);
    return pass(List.of(pixelValues), hooks, capture, cancel, progress, prior, resumeBlock).get(0);
  }

  /**
   * One unhooked pass over several images of the same size, stacked on the batch axis. Each result
   * equals what {@link #run} gives for that image alone (up to float summation order in the matrix
   * products). Mitigation hooks work on one image, so batches run without them.
   *
   * @param pixelValues B images, each {@code [1, 3, H, W]} with the same H and W
   */
  public List<ForwardResult> runBatch(
      List<FloatTensor> pixelValues,
      CaptureOptions capture,
      CancellationToken cancel,
      ProgressListener progress) {
    if (pixelValues.isEmpty()) {
      return List.of();
    }
    for (FloatTensor p : pixelValues) {
      checkPixels(p);
      if (!java.util.Arrays.equals(p.shape(), pixelValues.get(0).shape())) {
        throw new IllegalArgumentException(
            "a batch needs images of one size: " + pixelValues.get(0) + " vs " + p);
      }
    }
    return pass(pixelValues, ForwardHooks.NONE, capture, cancel, progress, null, 0);
  }

  /**
   * The pass as a differentiable expression for fine-tuning: the same embedding, blocks and final
   * LayerNorm as {@link #run}, with {@code weights} standing in for the model's own (their arrays
   * may require gradients), no hooks and nothing copied to the host. Everything is created in
   * {@code scope}, which the caller closes after the backward pass. Float32 models only.
   *
   * @param pixels {@code [B, 3, H, W]} on the model's device
   * @return the final-LayerNorm-ed tokens {@code [B, T, D]} in the order of {@link #trainingLayout}
   */
  public NDArray trainingPass(NDManager scope, NDArray pixels, TrainableWeights weights) {
    if (model.precision() != Precision.FP32) {
      throw new IllegalStateException(
          "fine-tuning needs a float32 model, this one computes in " + model.precision());
    }
    if (!spec.finalNormAllTokens()) {
      throw new IllegalStateException(
          spec.family().displayName() + " has no final LayerNorm over all tokens");
    }
    long[] ps = pixels.getShape().getShape();
    int p = spec.patchSize();
    if (ps.length != 4 || ps[1] != 3 || ps[2] % p != 0 || ps[3] % p != 0) {
      throw new IllegalArgumentException(
          "pixels must be [B, 3, H, W] with H, W multiples of " + p + ", got " + pixels.getShape());
    }
    TokenLayout layout = trainingLayout((int) ps[2], (int) ps[3], weights);
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    NDArray patchW =
        or(weights.get(dev.sinkscope.inference.model.CanonicalWeights.PATCH_WEIGHT), model.patchW);
    NDArray patchB =
        or(weights.get(dev.sinkscope.inference.model.CanonicalWeights.PATCH_BIAS), model.patchB);
    NDArray table = weights.get(dev.sinkscope.inference.model.CanonicalWeights.POSITION);
    NDArray positions =
        table == null
            ? model.positionsFor(rows, cols)
            : resizePositions(
                scope,
                table.reshape(1, table.size() / spec.hiddenSize(), spec.hiddenSize()),
                rows,
                cols,
                weights.interpolation());
    NDArray registers = model.registers == null ? null : inScope(model.registers, scope);
    if (weights.extraRegisters() != null) {
      registers =
          registers == null
              ? weights.extraRegisters()
              : registers.concat(weights.extraRegisters(), 1);
    }
    NDArray x =
        embedPixels(scope, pixels, layout, patchW, patchB, positions, registers); // [B, T, D]
    if (model.preNormW != null) {
      x = layerNorm(x, model.preNormW, model.preNormB);
    }
    Plan plan = new Plan(AttentionCapture.NONE, false, false);
    List<PassContext> contexts = List.of(new PassContext());
    for (int i = 0; i < spec.numLayers(); i++) {
      VitModel.Block w =
          weights.replacesBlock(i) ? trainableBlock(i, weights, scope) : model.blocks.get(i);
      x = block(i, w, x, ForwardHooks.NONE, layout, plan, contexts, null);
    }
    return layerNorm(x, model.normW, model.normB);
  }

  /** Token layout of {@link #trainingPass}: the model's, with the extra registers after its own. */
  public TokenLayout trainingLayout(int height, int width, TrainableWeights weights) {
    TokenLayout base = TokenLayout.of(spec, height, width);
    return new TokenLayout(
        base.hasCls(),
        base.hasDistillation(),
        spec.registers() + weights.extraRegisterCount(),
        base.gridRows(),
        base.gridCols(),
        0);
  }

  private static NDArray or(NDArray a, NDArray fallback) {
    return a != null ? a : fallback;
  }

  /**
   * Block {@code i} from canonical (unfolded) arrays, folded exactly as {@link VitModel} folds its
   * own: 1/sqrt(dh) into the query rows, the layer scales into proj and fc2. Differentiable.
   */
  private VitModel.Block trainableBlock(int i, TrainableWeights weights, NDManager scope) {
    int d = spec.hiddenSize();
    java.util.function.Function<BlockWeight, NDArray> part =
        w -> weights.get(CanonicalWeights.block(i, w));
    NDArray qkvW = part.apply(BlockWeight.QKV_WEIGHT);
    NDArray qkvB = part.apply(BlockWeight.QKV_BIAS);
    if (qkvW == null) {
      qkvW =
          NDArrays.concat(
              new NDList(
                  part.apply(BlockWeight.Q_WEIGHT),
                  part.apply(BlockWeight.K_WEIGHT),
                  part.apply(BlockWeight.V_WEIGHT)),
              0);
      qkvB =
          NDArrays.concat(
              new NDList(
                  orZeros(part.apply(BlockWeight.Q_BIAS), d, scope),
                  orZeros(part.apply(BlockWeight.K_BIAS), d, scope),
                  orZeros(part.apply(BlockWeight.V_BIAS), d, scope)),
              0);
    } else if (qkvB == null) {
      qkvB = scope.zeros(new Shape(3L * d));
    }
    NDArray scale = scope.create(VitModel.querySideScale(d, spec.headDim()), new Shape(3L * d));
    qkvW = qkvW.mul(scale.reshape(3L * d, 1));
    qkvB = qkvB.mul(scale);
    NDArray projW = part.apply(BlockWeight.PROJ_WEIGHT);
    NDArray projB = part.apply(BlockWeight.PROJ_BIAS);
    NDArray fc2W = part.apply(BlockWeight.FC2_WEIGHT);
    NDArray fc2B = part.apply(BlockWeight.FC2_BIAS);
    NDArray ls1 = part.apply(BlockWeight.LS1);
    NDArray ls2 = part.apply(BlockWeight.LS2);
    if (ls1 != null) {
      projW = projW.mul(ls1.reshape(d, 1));
      projB = projB.mul(ls1);
    }
    if (ls2 != null) {
      fc2W = fc2W.mul(ls2.reshape(d, 1));
      fc2B = fc2B.mul(ls2);
    }
    NDArray gateW = part.apply(BlockWeight.GATE_WEIGHT);
    NDArray gateB =
        gateW == null
            ? null
            : orZeros(part.apply(BlockWeight.GATE_BIAS), (int) gateW.getShape().get(0), scope);
    return new VitModel.Block(
        part.apply(BlockWeight.NORM1_WEIGHT),
        part.apply(BlockWeight.NORM1_BIAS),
        qkvW,
        qkvB,
        projW,
        projB,
        null,
        part.apply(BlockWeight.NORM2_WEIGHT),
        part.apply(BlockWeight.NORM2_BIAS),
        part.apply(BlockWeight.FC1_WEIGHT),
        part.apply(BlockWeight.FC1_BIAS),
        fc2W,
        fc2B,
        null,
        gateW,
        gateB);
  }

  private static NDArray orZeros(NDArray a, int size, NDManager scope) {
    return a != null ? a : scope.zeros(new Shape(size));
  }

  /**
   * A position table {@code [1, N_prefix + g*g, D]} resized to {@code rows x cols} by the same two
   * products as {@link VitModel}'s cached tables, but differentiable in the table.
   */
  private NDArray resizePositions(
      NDManager scope,
      NDArray table,
      int rows,
      int cols,
      dev.sinkscope.inference.model.PositionInterpolation interpolation) {
    int g = spec.nativeGrid();
    if (rows == g && cols == g) {
      return table;
    }
    int d = spec.hiddenSize();
    int prefix = spec.positionedPrefixTokens();
    boolean antialias =
        interpolation == dev.sinkscope.inference.model.PositionInterpolation.BICUBIC_ANTIALIAS;
    float[] wh =
        antialias
            ? PositionResampler.antialiasedBicubicWeights(g, rows)
            : PositionResampler.bicubicWeights(g, rows);
    float[] ww =
        antialias
            ? PositionResampler.antialiasedBicubicWeights(g, cols)
            : PositionResampler.bicubicWeights(g, cols);
    NDArray flat = table.reshape(prefix + (long) g * g, d);
    NDArray grid = flat.get(prefix + ":").transpose(1, 0).reshape(d, g, g); // [D, g, g]
    NDArray rowsW = scope.create(wh, new Shape(rows, g)).toDevice(table.getDevice(), false);
    NDArray colsW = scope.create(ww, new Shape(cols, g)).toDevice(table.getDevice(), false);
    NDArray resized = rowsW.matMul(grid).matMul(colsW.transpose(1, 0)); // [D, rows, cols]
    NDArray patches = resized.reshape(d, (long) rows * cols).transpose(1, 0); // [rows*cols, D]
    NDArray full = prefix > 0 ? flat.get(":" + prefix).concat(patches, 0) : patches;
    return full.reshape(1, prefix + (long) rows * cols, d);
  }

  private void checkPixels(FloatTensor pixelValues) {
    int[] ps = pixelValues.shape();
    if (ps.length != 4 || ps[0] != 1 || ps[1] != 3) {
      throw new IllegalArgumentException("pixel_values must be [1, 3, H, W], got " + pixelValues);
    }
    int p = spec.patchSize();
    if (ps[2] % p != 0 || ps[3] % p != 0 || ps[2] < p || ps[3] < p) {
      throw new IllegalArgumentException(
          "input " + ps[2] + "x" + ps[3] + " is not a multiple of the patch size " + p);
    }
  }

  /** The pass over B = {@code images.size()} images; hooks and resuming only with B = 1. */
  private List<ForwardResult> pass(
      List<FloatTensor> images,
      ForwardHooks hooks,
      CaptureOptions capture,
      CancellationToken cancel,
      ProgressListener progress,
      ForwardResult prior,
      int resumeBlock) {
    HeavyWork.starts(HeavyWork.Kind.FORWARD);
    int b = images.size();
    FloatTensor pixelValues = images.get(0);
    int[] ps = pixelValues.shape();
    int height = ps[2];
    int width = ps[3];
    int p = spec.patchSize();
    TokenLayout baseLayout = TokenLayout.of(spec, height, width);
    TokenLayout layout = hooks.layoutAfterEmbeddings(baseLayout);
    int d = spec.hiddenSize();
    int t = layout.totalTokens();
    AttentionCapture mode = capture.resolve(spec.numLayers(), spec.numHeads(), t);
    boolean resume =
        b == 1
            && prior != null
            && resumeBlock > 0
            && resumeBlock <= spec.numLayers()
            && prior.layout().equals(layout)
            && java.util.Arrays.equals(prior.pixelValues().shape(), ps)
            && priorHasCapture(prior, resumeBlock, mode, capture);
    List<PassContext> contexts = new ArrayList<>(b);
    List<List<LayerCapture>> captures = new ArrayList<>(b);
    for (int n = 0; n < b; n++) {
      contexts.add(new PassContext());
      captures.add(new ArrayList<>(spec.numLayers()));
    }
    Plan plan = new Plan(mode, capture.mlpActivations(), capture.headMean());
    List<FloatTensor> embeddings;
    try (NDManager pass = model.root().newSubManager()) {
      NDArray x; // [B, T, D]
      int start;
      if (resume) {
        embeddings = List.of(prior.embeddings());
        captures.get(0).addAll(prior.layers().subList(0, resumeBlock));
        FloatTensor hidden = prior.block(resumeBlock).hidden();
        x = pass.create(hidden.data(), new Shape(1, t, d));
        start = resumeBlock;
      } else {
        x = embed(pass, images, baseLayout);
        x = hooks.afterEmbeddings(x, baseLayout, contexts.get(0));
        if (x.getShape().get(1) != t) {
          throw new IllegalStateException(
              "hooks produced " + x.getShape() + " tokens, layout says " + t);
        }
        if (model.preNormW != null) {
          x = layerNorm(x, model.preNormW, model.preNormB);
        }
        embeddings = perImage(x, t, d);
        start = 0;
      }
      progress.blocksDone(start, spec.numLayers());
      for (int i = start; i < spec.numLayers(); i++) {
        cancel.throwIfCancelled();
        try (NDManager blockScope = pass.newSubManager()) {
          x.attach(blockScope); // the previous residual is freed with this block's temporaries
          NDArray out = block(i, x, hooks, layout, plan, contexts, captures);
          out.attach(pass);
          x = out;
        }
        progress.blocksDone(i + 1, spec.numLayers());
      }
      List<FloatTensor> last;
      List<FloatTensor> pooled =
          new ArrayList<>(java.util.Collections.nCopies(b, (FloatTensor) null));
      if (spec.finalNormAllTokens()) {
        NDArray normed = layerNorm(x, model.normW, model.normB); // [B, T, D]
        last = perImage(normed, t, d);
        if (spec.pooling() == Pooling.NORMED_CLS) {
          for (int n = 0; n < b; n++) {
            pooled.set(n, FloatTensor.of(last.get(n).row(0), d));
          }
        } else if (spec.pooling() == Pooling.ATTENTION_PROBE && model.probeHead != null) {
          NDArray[] head = probePool(normed); // [B, D], [B, H, 1, T]
          float[] all = toHost(head[0]);
          float[] probs = toHost(head[1]);
          int heads = spec.numHeads();
          for (int n = 0; n < b; n++) {
            pooled.set(n, FloatTensor.of(java.util.Arrays.copyOfRange(all, n * d, (n + 1) * d), d));
            contexts
                .get(n)
                .debug()
                .put(
                    PROBE_ATTENTION,
                    new FloatTensor(
                        new int[] {1, heads, 1, t},
                        java.util.Arrays.copyOfRange(probs, n * heads * t, (n + 1) * heads * t)));
          }
        } else if (spec.pooling() == Pooling.TANH_DENSE) {
          NDArray clsRows = normed.get(":, 0, :"); // [B, D]
          NDArray dense =
              Linear.linear(clsRows, model.poolerW, model.poolerB)
                  .singletonOrThrow()
                  .tanh(); // [B, D]
          float[] all = toHost(dense);
          for (int n = 0; n < b; n++) {
            pooled.set(n, FloatTensor.of(java.util.Arrays.copyOfRange(all, n * d, (n + 1) * d), d));
          }
        }
      } else {
        last = perImage(x, t, d);
        if (spec.pooling() == Pooling.POST_LAYERNORM_CLS) {
          NDArray clsRows = x.get(":, 0:1, :"); // [B, 1, D]
          float[] all = toHost(layerNorm(clsRows, model.normW, model.normB));
          for (int n = 0; n < b; n++) {
            pooled.set(n, FloatTensor.of(java.util.Arrays.copyOfRange(all, n * d, (n + 1) * d), d));
          }
        }
      }
      FloatTensor interpolated = null;
      if (!resume
          && spec.hasPositionTable()
          && (height / p != spec.nativeGrid() || width / p != spec.nativeGrid())) {
        NDArray pos = inScope(model.positionsFor(height / p, width / p), pass);
        interpolated = new FloatTensor(new int[] {1, (int) pos.getShape().get(1), d}, toHost(pos));
      }
      List<ForwardResult> results = new ArrayList<>(b);
      for (int n = 0; n < b; n++) {
        Map<String, FloatTensor> debug = new LinkedHashMap<>();
        if (interpolated != null) {
          debug.put("debug.interpolated_position_embeddings", interpolated);
        }
        if (spec.rope() != null) {
          float[][] tables = spec.rope().tables(height / p, width / p, spec.headDim());
          int patches = (height / p) * (width / p);
          debug.put(
              "debug.rope_cos", new FloatTensor(new int[] {patches, spec.headDim()}, tables[0]));
          debug.put(
              "debug.rope_sin", new FloatTensor(new int[] {patches, spec.headDim()}, tables[1]));
        }
        debug.putAll(contexts.get(n).debug());
        if (resume) {
          prior.debug().forEach(debug::putIfAbsent);
        }
        results.add(
            new ForwardResult(
                spec,
                layout,
                images.get(n),
                embeddings.get(n),
                captures.get(n),
                last.get(n),
                pooled.get(n),
                debug,
                model.device().toString()));
      }
      return results;
    }
  }

  /** What {@link #block} copies to the host, with AUTO already resolved. */
  private record Plan(AttentionCapture attention, boolean mlpActivations, boolean headMean) {}

  /** Whether the first {@code blocks} blocks of {@code prior} kept what {@code mode} keeps. */
  private static boolean priorHasCapture(
      ForwardResult prior, int blocks, AttentionCapture mode, CaptureOptions capture) {
    for (int b = 1; b <= blocks; b++) {
      LayerCapture c = prior.block(b);
      boolean attentionOk =
          switch (mode) {
            case FULL -> c.attention() != null;
            case SUMMARY -> c.summary() != null && c.summary().covers(capture.headMean());
            default -> true;
          };
      if (!attentionOk || capture.mlpActivations() && c.mlpActivation() == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * The full attention {@code [H, T, T]} of 1-based {@code block} of {@code result}, recomputed
   * from the block's input (the kept residual stream) under {@code hooks}: the same ops on the same
   * values, so it equals what a full-capture pass keeps. Costs the attention half of one block.
   *
   * @param hooks the hooks {@code result} was computed with (only attention normalisers matter)
   */
  public FloatTensor recomputeAttention(ForwardResult result, ForwardHooks hooks, int block) {
    return recompute(result, hooks, block, -1);
  }

  /** One head {@code [T, T]} of {@link #recomputeAttention(ForwardResult, ForwardHooks, int)}. */
  public FloatTensor recomputeAttention(
      ForwardResult result, ForwardHooks hooks, int block, int head) {
    if (head < 0 || head >= spec.numHeads()) {
      throw new IndexOutOfBoundsException("head " + head + " outside 0.." + (spec.numHeads() - 1));
    }
    return recompute(result, hooks, block, head);
  }

  private FloatTensor recompute(ForwardResult result, ForwardHooks hooks, int block, int head) {
    if (block < 1 || block > result.blocks()) {
      throw new IndexOutOfBoundsException("block " + block + " outside 1.." + result.blocks());
    }
    FloatTensor input =
        block == 1 ? result.embeddings() : result.block(block - 1).hidden(); // [T, D]
    int t = input.dim(0);
    try (NDManager scope = model.root().newSubManager()) {
      NDArray x = scope.create(input.data(), new Shape(1, t, spec.hiddenSize())); // [1, T, D]
      // the pass's own bands and ops, so the map equals a full capture's to the bit
      BandedAttentionKeeper keeper =
          new BandedAttentionKeeper(
              AttentionCapture.FULL, false, block, result.layout(), 1, spec.numHeads(), scope);
      NDArray[] qkv = queryKeyValue(model.blocks.get(block - 1), x, result.layout());
      attend(block - 1, qkv, hooks, result.layout(), new PassContext(), keeper, false);
      FloatTensor all = keeper.map(0); // [H, T, T]
      if (head < 0) {
        return all;
      }
      return new FloatTensor(
          new int[] {t, t},
          java.util.Arrays.copyOfRange(all.data(), head * t * t, (head + 1) * t * t));
    }
  }

  /** Patch embedding, prefix tokens and position embeddings: {@code [B, T, D]} before hooks. */
  private NDArray embed(NDManager pass, List<FloatTensor> images, TokenLayout layout) {
    int b = images.size();
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    int[] ps = images.get(0).shape();
    float[] stacked;
    if (b == 1) {
      stacked = images.get(0).data();
    } else {
      int size = images.get(0).size();
      stacked = new float[Math.multiplyExact(b, size)];
      for (int n = 0; n < b; n++) {
        System.arraycopy(images.get(n).data(), 0, stacked, n * size, size);
      }
    }
    NDArray pixels = pass.create(stacked, new Shape(b, 3, ps[2], ps[3])); // [B, C, H, W]
    NDArray registers = model.registers == null ? null : inScope(model.registers, pass);
    return embedPixels(
        pass,
        pixels,
        layout,
        model.patchW,
        model.patchB,
        model.positionsFor(rows, cols),
        registers);
  }

  /**
   * {@link #embed} from pixels on the device, with the patch projection, position table {@code [1,
   * N_prefix + N, D]} (already for this grid) and registers {@code [1, R, D]} (or null) given.
   */
  private NDArray embedPixels(
      NDManager pass,
      NDArray pixels,
      TokenLayout layout,
      NDArray patchW,
      NDArray patchB,
      NDArray positions,
      NDArray registers) {
    int b = (int) pixels.getShape().get(0);
    int d = spec.hiddenSize();
    int p = spec.patchSize();
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    NDArray patches =
        Conv2d.conv2d(pixels, patchW, patchB, new Shape(p, p), new Shape(0, 0), new Shape(1, 1), 1)
            .singletonOrThrow(); // [B, D, h, w]
    patches = patches.reshape(b, d, (long) rows * cols).transpose(0, 2, 1); // [B, N, D]
    NDList positioned = new NDList();
    if (spec.positionTableHasPrefix()) {
      addPrefix(positioned, pass, b);
    }
    positioned.add(patches);
    NDArray x = positioned.size() == 1 ? patches : NDArrays.concat(positioned, 1);
    if (positions != null) {
      x = x.add(positions); // [B, N_prefix + N, D]
    }
    NDList ordered = new NDList();
    if (!spec.positionTableHasPrefix()) {
      addPrefix(ordered, pass, b);
      ordered.add(x);
      x = ordered.size() == 1 ? x : NDArrays.concat(ordered, 1);
    }
    if (registers != null) {
      // Registers sit after CLS (and distillation) and carry no position embedding.
      int prefix = (spec.hasCls() ? 1 : 0) + (spec.hasDistillation() ? 1 : 0);
      NDList parts = new NDList();
      if (prefix > 0) {
        parts.add(x.get(":, :" + prefix + ", :"));
      }
      parts.add(perBatch(registers, b));
      parts.add(x.get(":, " + prefix + ":, :"));
      x = NDArrays.concat(parts, 1);
    }
    return x;
  }

  private void addPrefix(NDList list, NDManager pass, int batch) {
    if (model.cls != null) {
      list.add(perBatch(inScope(model.cls, pass), batch));
    }
    if (model.distillation != null) {
      list.add(perBatch(inScope(model.distillation, pass), batch));
    }
  }

  /** A learned token table {@code [1, k, D]} repeated to {@code [B, k, D]} for concatenation. */
  private static NDArray perBatch(NDArray token, int batch) {
    return batch == 1 ? token : token.repeat(0, batch);
  }

  /** The rows of {@code x [B, T, D]} as B host tensors {@code [T, D]}, in one transfer. */
  private static List<FloatTensor> perImage(NDArray x, int tokens, int width) {
    int b = (int) x.getShape().get(0);
    if (b == 1) {
      return List.of(host(x, tokens, width));
    }
    float[] all = toHost(x);
    int size = tokens * width;
    List<FloatTensor> out = new ArrayList<>(b);
    for (int n = 0; n < b; n++) {
      out.add(
          new FloatTensor(
              new int[] {tokens, width},
              java.util.Arrays.copyOfRange(all, n * size, (n + 1) * size)));
    }
    return out;
  }

  /**
   * A per-pass copy of a weight, so ops that take it as receiver do not allocate in the model
   * scope.
   */
  private static NDArray inScope(NDArray weight, NDManager pass) {
    NDArray copy = weight.duplicate();
    copy.attach(pass);
    return copy;
  }

  /**
   * Block {@code i} on {@code x [B, T, D]}; appends each image's capture to its list. Hooks see
   * {@code contexts.get(0)} (they only run with B = 1).
   */
  private NDArray block(
      int i,
      NDArray x,
      ForwardHooks hooks,
      TokenLayout layout,
      Plan plan,
      List<PassContext> contexts,
      List<List<LayerCapture>> captures) {
    return block(i, model.blocks.get(i), x, hooks, layout, plan, contexts, captures);
  }

  /** {@link #block} with the block's weights given; no captures when {@code captures} is null. */
  private NDArray block(
      int i,
      VitModel.Block w,
      NDArray x,
      ForwardHooks hooks,
      TokenLayout layout,
      Plan plan,
      List<PassContext> contexts,
      List<List<LayerCapture>> captures) {
    PassContext context = contexts.get(0);
    int d = spec.hiddenSize();
    int heads = spec.numHeads();
    int b = (int) x.getShape().get(0);
    long t = x.getShape().get(1);

    // --- attention
    NDArray[] qkv = queryKeyValue(w, x, layout); // 3 x [B, H, T, dh]
    BandedAttentionKeeper keeper =
        new BandedAttentionKeeper(
            captures == null ? AttentionCapture.NONE : plan.attention(),
            plan.headMean(),
            i + 1,
            layout,
            b,
            heads,
            x.getManager());
    NDArray headOut = attend(i, qkv, hooks, layout, context, keeper, true); // [B, H, T, dh]
    if (w.gateW() != null) {
      headOut = trainedGate(w, x, headOut);
    }
    headOut = hooked(headOut, hooks, o -> hooks.headOutputs(i, o, layout, context));
    NDArray merged = headOut.transpose(0, 2, 1, 3).reshape(b, t, d); // [B, T, D]
    NDArray attnOut =
        toFloat32(Linear.linear(merged, w.projW(), w.projB()).singletonOrThrow()); // [B, T, D]
    if (w.ls1() != null) {
      attnOut = attnOut.mul(w.ls1());
    }
    NDArray afterAttn = x.add(attnOut); // [B, T, D]

    // --- MLP
    NDArray h2 = toMatmulType(layerNorm(afterAttn, w.norm2W(), w.norm2B())); // [B, T, D]
    NDArray pre =
        Linear.linear(h2, w.fc1W(), w.fc1B()).singletonOrThrow(); // [B, T, M] (SwiGLU: [B, T, 2M])
    NDArray act = activate(pre); // [B, T, M]
    act = hooked(act, hooks, a -> hooks.mlpActivations(i, a, layout, context));
    NDArray mlpOut =
        toFloat32(Linear.linear(act, w.fc2W(), w.fc2B()).singletonOrThrow()); // [B, T, D]
    if (w.ls2() != null) {
      mlpOut = mlpOut.mul(w.ls2());
    }
    NDArray out = afterAttn.add(mlpOut); // [B, T, D]

    if (captures == null) {
      return out;
    }
    int tokens = (int) t;
    List<FloatTensor> hidden = perImage(out, tokens, d);
    AttentionSummary[] summaries =
        plan.attention() == AttentionCapture.SUMMARY ? keeper.summaries() : null;
    for (int n = 0; n < b; n++) {
      FloatTensor attention = plan.attention() == AttentionCapture.FULL ? keeper.map(n) : null;
      AttentionSummary summary = summaries == null ? null : summaries[n];
      FloatTensor mlp =
          plan.mlpActivations()
              ? new FloatTensor(
                  new int[] {tokens, spec.intermediateSize()}, toHost(b == 1 ? act : act.get(n)))
              : null;
      captures.get(n).add(new LayerCapture(i + 1, hidden.get(n), attention, mlp, summary));
    }
    return out;
  }

  /**
   * A checkpoint's trained attention gate (Qiu et al. G1): {@code Y ⊙ σ(LN(x) Wᵀ + b)}, headwise
   * ({@code W [H, D]}) or elementwise ({@code W [D, D]}), before the output projection.
   */
  private NDArray trainedGate(VitModel.Block w, NDArray x, NDArray headOut) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int heads = spec.numHeads();
    NDArray h = toMatmulType(layerNorm(x, w.norm1W(), w.norm1B())); // [B, T, D]
    NDArray gate =
        Activation.sigmoid(toFloat32(Linear.linear(h, w.gateW(), w.gateB()).singletonOrThrow()));
    NDArray perHead =
        spec.attentionGate() == dev.sinkscope.inference.model.AttentionGate.HEADWISE
            ? gate.transpose(0, 2, 1).reshape(b, heads, t, 1) // [B, T, H] -> [B, H, T, 1]
            : gate.reshape(b, t, heads, spec.headDim())
                .transpose(0, 2, 1, 3); // [B, T, D] -> [B, H, T, dh]
    return headOut.mul(toMatmulType(perHead));
  }

  /**
   * q (already scaled by 1/sqrt(dh)), k and v of block {@code i}: three {@code [B, H, T, dh]}
   * views; with rotary embeddings, q and k of the patch tokens are rotated (the scale commutes with
   * it).
   */
  private NDArray[] queryKeyValue(VitModel.Block w, NDArray x, TokenLayout layout) {
    NDArray[] qkv = projectQueryKeyValue(w, x);
    NDArray[] rope =
        model.rotaryFor(layout); // {cos, sin} [1, 1, T, dh], identity on non-patch tokens
    if (rope != null) {
      qkv[0] = rotate(qkv[0], rope[0], rope[1]);
      qkv[1] = rotate(qkv[1], rope[0], rope[1]);
    }
    return qkv;
  }

  /**
   * {@code x * cos + rotate_half(x) * sin} with {@code rotate_half(x) = cat(-x[dh/2:], x[:dh/2])};
   * x {@code [B, H, T, dh]}.
   */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().get(3) / 2;
    NDArray rotated =
        x.get(":, :, :, " + half + ":")
            .neg()
            .concat(x.get(":, :, :, :" + half), 3); // [B, H, T, dh]
    return x.mul(cos).add(rotated.mul(sin));
  }

  /** The projections of {@link #queryKeyValue} before any rotation. */
  private NDArray[] projectQueryKeyValue(VitModel.Block w, NDArray x) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray h = toMatmulType(layerNorm(x, w.norm1W(), w.norm1B())); // [B, T, D]
    NDArray qkv = Linear.linear(h, w.qkvW(), w.qkvB()).singletonOrThrow(); // [B, T, 3D]
    if (b == 1) {
      NDList parts =
          qkv.reshape(t, 3, spec.numHeads(), spec.headDim())
              .transpose(1, 2, 0, 3) // [3, H, T, dh]
              .split(3, 0); // 3 x [1, H, T, dh]
      return new NDArray[] {parts.get(0), parts.get(1), parts.get(2)};
    }
    NDArray split =
        qkv.reshape(b, t, 3, spec.numHeads(), spec.headDim())
            .transpose(2, 0, 3, 1, 4); // [3, B, H, T, dh]
    return new NDArray[] {split.get(0), split.get(1), split.get(2)};
  }

  /**
   * Name of the pooling probe's attention {@code [1, H, 1, T]} in {@link ForwardResult#debug()}.
   */
  public static final String PROBE_ATTENTION = ClsLikeQuery.PROBE_ATTENTION;

  /**
   * SigLIP's attention-pooling head on the normed last hidden state {@code normed [B, T, D]}, in
   * float32 as torch's {@code nn.MultiheadAttention}: q from the probe, k and v from the tokens, q
   * scaled by 1/sqrt(dh) before the product; then {@code o + fc2(act(fc1(LN(o))))}.
   *
   * @return {@code {pooled [B, D], probe attention [B, H, 1, T]}}
   */
  private NDArray[] probePool(NDArray normed) {
    VitModel.ProbeHead head = model.probeHead;
    long b = normed.getShape().get(0);
    long t = normed.getShape().get(1);
    int d = spec.hiddenSize();
    int heads = spec.numHeads();
    int dh = spec.headDim();
    NDArray x = toFloat32(normed);
    NDArray wq = head.qkvW().get(":" + d + ", :");
    NDArray wk = head.qkvW().get(d + ":" + (2 * d) + ", :");
    NDArray wv = head.qkvW().get((2 * d) + ":, :");
    NDArray q =
        Linear.linear(head.probe(), wq, head.qkvB().get(":" + d)).singletonOrThrow(); // [1, 1, D]
    NDArray k =
        Linear.linear(x, wk, head.qkvB().get(d + ":" + (2 * d))).singletonOrThrow(); // [B, T, D]
    NDArray v =
        Linear.linear(x, wv, head.qkvB().get((2 * d) + ":")).singletonOrThrow(); // [B, T, D]
    q =
        q.mul((float) Math.sqrt(1.0 / dh))
            .reshape(1, 1, heads, dh)
            .transpose(0, 2, 1, 3); // [1, H, 1, dh]
    NDArray kh = k.reshape(b, t, heads, dh).transpose(0, 2, 3, 1); // [B, H, dh, T]
    NDArray vh = v.reshape(b, t, heads, dh).transpose(0, 2, 1, 3); // [B, H, T, dh]
    NDArray probs = (b == 1 ? q : q.repeat(0, b)).matMul(kh).softmax(-1); // [B, H, 1, T]
    NDArray o = probs.matMul(vh).transpose(0, 2, 1, 3).reshape(b, 1, d); // [B, 1, D]
    o = Linear.linear(o, head.projW(), head.projB()).singletonOrThrow(); // [B, 1, D]
    NDArray h =
        LayerNorm.layerNorm(
                o, new Shape(d), head.normW(), head.normB(), (float) spec.layerNormEps())
            .singletonOrThrow();
    NDArray mlp =
        Linear.linear(
                activate(Linear.linear(h, head.fc1W(), head.fc1B()).singletonOrThrow()),
                head.fc2W(),
                head.fc2B())
            .singletonOrThrow(); // [B, 1, D]
    return new NDArray[] {o.add(mlp).reshape(b, d), probs};
  }

  /**
   * Row-normalised attention {@code [B, H, T, T]} in float32: softmax, or what the hooks
   * substitute.
   */
  private NDArray normalize(
      int i, NDArray q, NDArray keys, ForwardHooks hooks, TokenLayout layout, PassContext context) {
    NDArray logits = toFloat32(q.matMul(keys)); // [B, H, R, dh] x [B, H, dh, T] -> [B, H, R, T]
    NDArray custom = hooks.normalizeAttention(i, logits, layout, context);
    return custom != null ? custom : logits.softmax(-1);
  }

  /**
   * The heads' outputs {@code [B, H, T, dh]} of block {@code i}, with the query rows taken in bands
   * of {@link #bandRows} so each band's probabilities {@code [B, H, R, T]} are normalised, kept by
   * {@code keeper} and multiplied by v while they are still in the cache (ADR 0025). Rows are
   * independent, so this is the same computation as on the whole matrix. Without {@code values}
   * only the keeper sees the bands (a recomputed map) and null returns.
   */
  private NDArray attend(
      int i,
      NDArray[] qkv,
      ForwardHooks hooks,
      TokenLayout layout,
      PassContext context,
      BandedAttentionKeeper keeper,
      boolean values) {
    NDArray keys = qkv[1].transpose(0, 1, 3, 2); // [B, H, dh, T]
    int t = (int) qkv[0].getShape().get(2);
    int band = bandRows(t);
    if (band >= t) {
      NDArray probs = normalize(i, qkv[0], keys, hooks, layout, context); // [B, H, T, T] fp32
      keeper.add(probs, 0);
      return values ? toMatmulType(probs).matMul(qkv[2]) : null;
    }
    NDManager blockScope = qkv[0].getManager();
    NDList outputs = new NDList();
    for (int first = 0; first < t; first += band) {
      int end = Math.min(t, first + band);
      try (NDManager bandScope = blockScope.newSubManager()) {
        NDArray q = qkv[0].get(":, :, " + first + ":" + end + ", :"); // [B, H, R, dh]
        q.attach(bandScope); // the band's logits and probabilities follow q into this scope
        NDArray probs = normalize(i, q, keys, hooks, layout, context); // [B, H, R, T] fp32
        keeper.add(probs, first);
        if (values) {
          NDArray out = toMatmulType(probs).matMul(qkv[2]); // [B, H, R, dh]
          out.attach(blockScope);
          outputs.add(out);
        }
      }
    }
    return values ? NDArrays.concat(outputs, 2) : null; // [B, H, T, dh]
  }

  /**
   * Query rows per attention band for {@code tokens} tokens: about 256 on a CPU once the sequence
   * is long (the band's probabilities then stay in the last-level cache between softmax, capture
   * and the product with v; measured in ADR 0025), all rows on a GPU or for short sequences, where
   * bands only add calls.
   */
  int bandRows(int tokens) {
    if (bandRows > 0) {
      return bandRows;
    }
    if (tokens <= 2 * BAND_ROWS || model.device().getDeviceType() != Device.Type.CPU) {
      return tokens;
    }
    int bands = (tokens + BAND_ROWS - 1) / BAND_ROWS;
    return (tokens + bands - 1) / bands;
  }

  /**
   * Calls a hook with a float32 activation (hooks build float32 constants) and returns the result
   * in the matmul type; no casts at all in float32 or without hooks.
   */
  private NDArray hooked(
      NDArray a, ForwardHooks hooks, java.util.function.UnaryOperator<NDArray> hook) {
    if (hooks == ForwardHooks.NONE) {
      return a;
    }
    if (model.precision() == Precision.FP32) {
      return hook.apply(a);
    }
    return toMatmulType(hook.apply(toFloat32(a)));
  }

  private NDArray toMatmulType(NDArray a) {
    DataType type = model.precision().matmulType();
    return a.getDataType() == type ? a : a.toType(type, false);
  }

  private static NDArray toFloat32(NDArray a) {
    return a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
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
    return LayerNorm.layerNorm(
            x, new Shape(spec.hiddenSize()), weight, bias, (float) spec.layerNormEps())
        .singletonOrThrow();
  }

  private static FloatTensor host(NDArray x, int tokens, int width) {
    return new FloatTensor(new int[] {tokens, width}, toHost(x));
  }

  /**
   * Copies to a new host {@code float[]}: cast to float32 where the array lives, move to the CPU,
   * then one bulk copy out of a direct view of the tensor memory ({@code toFloatArray()} would copy
   * twice through a JNI {@code byte[]}). Temporaries stay in the array's own scope.
   */
  static float[] toHost(NDArray a) {
    NDArray f = toFloat32(a);
    NDArray cpu = f.getDevice().equals(Device.cpu()) ? f : f.toDevice(Device.cpu(), false);
    float[] out = new float[Math.toIntExact(cpu.size())];
    cpu.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
    return out;
  }
}
