package dev.sinkscope.inference.analysis;

/**
 * Sink-score settings (methods §3.1).
 *
 * @param querySet query rows averaged into the received attention (default ALL)
 * @param blocks 1-based blocks averaged into the whole-pass sink score; empty = all
 * @param heads 0-based heads averaged everywhere; empty = all
 * @param guEpsilon Gu et al. threshold ε on the received attention (default 0.3)
 * @param topK length of the top-sink list (default 5)
 * @param flagZThreshold rule C cut applied to {@code log ρ} to flag sinks (default 3.5)
 * @param flagFallbackFactor rule B factor on {@code ρ} used when the MAD of {@code log ρ} is 0
 *     (default 3)
 */
public record SinkOptions(
    QuerySet querySet,
    int[] blocks,
    int[] heads,
    double guEpsilon,
    int topK,
    double flagZThreshold,
    double flagFallbackFactor) {

  public SinkOptions {
    if (querySet == null) {
      throw new IllegalArgumentException("query set is required");
    }
    blocks = blocks == null ? new int[0] : blocks.clone();
    heads = heads == null ? new int[0] : heads.clone();
    if (topK < 0) {
      throw new IllegalArgumentException("top-k must be >= 0");
    }
    if (!(flagZThreshold > 0) || !(flagFallbackFactor > 0)) {
      throw new IllegalArgumentException("sink flag thresholds must be positive");
    }
  }

  /** By value, arrays included (a record compares array fields by reference). */
  @Override
  public boolean equals(Object o) {
    return o instanceof SinkOptions other
        && querySet == other.querySet
        && java.util.Arrays.equals(blocks, other.blocks)
        && java.util.Arrays.equals(heads, other.heads)
        && Double.compare(guEpsilon, other.guEpsilon) == 0
        && topK == other.topK
        && Double.compare(flagZThreshold, other.flagZThreshold) == 0
        && Double.compare(flagFallbackFactor, other.flagFallbackFactor) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        querySet,
        java.util.Arrays.hashCode(blocks),
        java.util.Arrays.hashCode(heads),
        guEpsilon,
        topK,
        flagZThreshold,
        flagFallbackFactor);
  }

  @Override
  public String toString() {
    return "SinkOptions[querySet="
        + querySet
        + ", blocks="
        + java.util.Arrays.toString(blocks)
        + ", heads="
        + java.util.Arrays.toString(heads)
        + ", guEpsilon="
        + guEpsilon
        + ", topK="
        + topK
        + ", flagZThreshold="
        + flagZThreshold
        + ", flagFallbackFactor="
        + flagFallbackFactor
        + "]";
  }

  public static SinkOptions defaults() {
    return new SinkOptions(QuerySet.ALL, new int[0], new int[0], 0.3, 5, 3.5, 3.0);
  }

  public SinkOptions withQuerySet(QuerySet newQuerySet) {
    return new SinkOptions(
        newQuerySet, blocks, heads, guEpsilon, topK, flagZThreshold, flagFallbackFactor);
  }

  public SinkOptions withBlocks(int... newBlocks) {
    return new SinkOptions(
        querySet, newBlocks, heads, guEpsilon, topK, flagZThreshold, flagFallbackFactor);
  }

  public SinkOptions withHeads(int... newHeads) {
    return new SinkOptions(
        querySet, blocks, newHeads, guEpsilon, topK, flagZThreshold, flagFallbackFactor);
  }
}
