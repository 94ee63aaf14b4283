package dev.sinkscope.inference.engine;

/** Told after each block of a forward pass. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> {};

  void blocksDone(int done, int total);
}
