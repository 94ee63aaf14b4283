package dev.sinkscope.inference.model;

/**
 * Everything the forward pass needs to know about an architecture, derived once from a checkpoint's
 * config and validated against its weights.
 *
 * @param name a display name (folder name or hub id)
 * @param family family, for presets
 * @param layout on-disk layout the weights were read from
 * @param hiddenSize D
 * @param numLayers L, number of blocks
 * @param numHeads H
 * @param intermediateSize M, MLP hidden units (the neurons test-time registers edit)
 * @param patchSize P
 * @param imageSize side of the square input the position table was trained for
 * @param layerNormEps epsilon of every LayerNorm
 * @param activation MLP nonlinearity
 * @param layerScale whether blocks scale their branches with LayerScale vectors
 * @param preNorm whether a LayerNorm precedes block 0 (CLIP {@code ln_pre} / timm {@code norm_pre})
 * @param patchBias whether the patch embedding convolution has a bias
 * @param hasCls class token present
 * @param hasDistillation DeiT distillation token present
 * @param registers number of trained registers
 * @param positionTableHasPrefix whether the position table has entries for the prefix tokens (CLS,
 *     distillation) in front of the patch entries
 * @param interpolation how the position table is resized
 * @param finalNormAllTokens whether {@code last_hidden_state} is the final LayerNorm of all tokens
 * @param pooling how the pooled output is made
 * @param attentionGate trained attention output gates, when the checkpoint has them
 * @param rope 2-D rotary position embedding on the patch queries and keys (DINOv3), or null when
 *     position enters only through the learned table
 */
public record ModelSpec(
    String name,
    ModelFamily family,
    CheckpointLayout layout,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int patchSize,
    int imageSize,
    double layerNormEps,
    MlpActivation activation,
    boolean layerScale,
    boolean preNorm,
    boolean patchBias,
    boolean hasCls,
    boolean hasDistillation,
    int registers,
    boolean positionTableHasPrefix,
    PositionInterpolation interpolation,
    boolean finalNormAllTokens,
    Pooling pooling,
    AttentionGate attentionGate,
    RotaryEmbedding rope) {

  /** A spec without rotary embeddings. */
  public ModelSpec(
      String name,
      ModelFamily family,
      CheckpointLayout layout,
      int hiddenSize,
      int numLayers,
      int numHeads,
      int intermediateSize,
      int patchSize,
      int imageSize,
      double layerNormEps,
      MlpActivation activation,
      boolean layerScale,
      boolean preNorm,
      boolean patchBias,
      boolean hasCls,
      boolean hasDistillation,
      int registers,
      boolean positionTableHasPrefix,
      PositionInterpolation interpolation,
      boolean finalNormAllTokens,
      Pooling pooling,
      AttentionGate attentionGate) {
    this(
        name,
        family,
        layout,
        hiddenSize,
        numLayers,
        numHeads,
        intermediateSize,
        patchSize,
        imageSize,
        layerNormEps,
        activation,
        layerScale,
        preNorm,
        patchBias,
        hasCls,
        hasDistillation,
        registers,
        positionTableHasPrefix,
        interpolation,
        finalNormAllTokens,
        pooling,
        attentionGate,
        null);
  }

  /** A spec without trained attention gates. */
  public ModelSpec(
      String name,
      ModelFamily family,
      CheckpointLayout layout,
      int hiddenSize,
      int numLayers,
      int numHeads,
      int intermediateSize,
      int patchSize,
      int imageSize,
      double layerNormEps,
      MlpActivation activation,
      boolean layerScale,
      boolean preNorm,
      boolean patchBias,
      boolean hasCls,
      boolean hasDistillation,
      int registers,
      boolean positionTableHasPrefix,
      PositionInterpolation interpolation,
      boolean finalNormAllTokens,
      Pooling pooling) {
    this(
        name,
        family,
        layout,
        hiddenSize,
        numLayers,
        numHeads,
        intermediateSize,
        patchSize,
        imageSize,
        layerNormEps,
        activation,
        layerScale,
        preNorm,
        patchBias,
        hasCls,
        hasDistillation,
        registers,
        positionTableHasPrefix,
        interpolation,
        finalNormAllTokens,
        pooling,
        AttentionGate.NONE);
  }

  /** The same spec with {@code gate}. */
  public ModelSpec withAttentionGate(AttentionGate gate) {
    return new ModelSpec(
        name,
        family,
        layout,
        hiddenSize,
        numLayers,
        numHeads,
        intermediateSize,
        patchSize,
        imageSize,
        layerNormEps,
        activation,
        layerScale,
        preNorm,
        patchBias,
        hasCls,
        hasDistillation,
        registers,
        positionTableHasPrefix,
        interpolation,
        finalNormAllTokens,
        pooling,
        gate,
        rope);
  }

  /** Whether the model has a learned absolute position table (every family but DINOv3). */
  public boolean hasPositionTable() {
    return rope == null;
  }

  /**
   * Whether the pooled output comes from a learned probe query attending over all tokens (SigLIP's
   * attention-pooling head): then that probe, not token 0, is the model's CLS-like query.
   */
  public boolean poolsWithProbe() {
    return pooling == Pooling.ATTENTION_PROBE;
  }

  public ModelSpec {
    if (attentionGate == null) {
      attentionGate = AttentionGate.NONE;
    }
    require(hiddenSize > 0, "hidden size must be positive");
    require(numLayers > 0, "number of layers must be positive");
    require(
        numHeads > 0 && hiddenSize % numHeads == 0,
        "hidden size " + hiddenSize + " must be divisible by the number of heads " + numHeads);
    require(intermediateSize > 0, "intermediate size must be positive");
    require(patchSize > 0, "patch size must be positive");
    require(
        imageSize >= patchSize,
        "image size " + imageSize + " is smaller than the patch size " + patchSize);
    require(layerNormEps > 0, "layer norm epsilon must be positive");
    require(registers >= 0, "register count must be >= 0");
    require(
        rope == null || (hiddenSize / numHeads) % 4 == 0,
        "2-D rotary embeddings need a head size divisible by 4");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** Side of the trained patch grid. */
  public int nativeGrid() {
    return imageSize / patchSize;
  }

  /** Number of prefix tokens that take a position-table entry. */
  public int positionedPrefixTokens() {
    return positionTableHasPrefix ? (hasCls ? 1 : 0) + (hasDistillation ? 1 : 0) : 0;
  }

  /** A short human-readable summary, e.g. "DINOv2 (HF_DINOV2) D=384 L=12 H=6 P=14". */
  public String summary() {
    return family.displayName()
        + " ("
        + layout
        + ") D="
        + hiddenSize
        + " L="
        + numLayers
        + " H="
        + numHeads
        + " P="
        + patchSize
        + (registers > 0 ? " registers=" + registers : "")
        + (hasDistillation ? " +distillation" : "")
        + (attentionGate != AttentionGate.NONE ? " gated-attention=" + attentionGate : "")
        + (rope != null ? " rope" : "")
        + (pooling == Pooling.ATTENTION_PROBE ? " no-CLS attention-pooling" : "");
  }
}
