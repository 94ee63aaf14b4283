package dev.sinkscope.inference.analysis;

/** How heads are combined into one {@code [T, T]} matrix per block for rollout. */
public enum HeadFusion {
  MEAN,
  MAX,
  MIN
}
