package dev.sinkscope.inference.engine;

import java.util.concurrent.CancellationException;

/**
 * Cooperative cancellation, checked between blocks; a cancelled pass throws {@link
 * CancellationException}.
 */
@FunctionalInterface
public interface CancellationToken {
  CancellationToken NONE = () -> false;

  boolean isCancelled();

  default void throwIfCancelled() {
    if (isCancelled()) {
      throw new CancellationException("cancelled");
    }
  }
}
