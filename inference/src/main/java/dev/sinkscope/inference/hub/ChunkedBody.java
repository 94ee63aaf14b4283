package dev.sinkscope.inference.hub;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read chunk by chunk on the caller's thread. Unlike the JDK's input stream body, a
 * read here gives up when no data arrives for a while (the request timeout only covers waiting for
 * the headers) and notices a cancel while it waits; either way the connection is dropped. One chunk
 * is requested at a time, so a slow disk slows the transfer instead of filling memory.
 */
final class ChunkedBody implements HttpResponse.BodySubscriber<ChunkedBody> {
  private static final Object END = new Object();
  private static final long POLL_SLICE_MILLIS = 100;

  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> current;

  /** Thrown when the caller's cancel token fires while waiting for data. */
  static final class CancelledWhileReading extends Exception {
    private static final long serialVersionUID = 1L;
  }

  static HttpResponse.BodyHandler<ChunkedBody> handler() {
    return responseInfo -> new ChunkedBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription newSubscription) {
    subscription = newSubscription;
    newSubscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    events.add(item);
  }

  @Override
  public void onError(Throwable throwable) {
    events.add(throwable);
  }

  @Override
  public void onComplete() {
    events.add(END);
  }

  @Override
  public CompletionStage<ChunkedBody> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  /**
   * The next chunk with data, or null at the end of the body.
   *
   * @throws HttpTimeoutException when nothing arrived for {@code stallTimeout}
   * @throws IOException when the connection failed or closed before the announced length
   */
  ByteBuffer next(Duration stallTimeout, CancelToken cancel)
      throws IOException, CancelledWhileReading {
    while (true) {
      if (current != null) {
        while (current.hasNext()) {
          ByteBuffer buffer = current.next();
          if (buffer.hasRemaining()) {
            return buffer;
          }
        }
        current = null;
        subscription.request(1);
      }
      Object event = await(stallTimeout, cancel);
      if (event == END) {
        return null;
      }
      if (event instanceof Throwable failure) {
        throw failure instanceof IOException io
            ? io
            : new IOException(failure.getMessage(), failure);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> buffers = (List<ByteBuffer>) event;
      current = buffers.iterator();
    }
  }

  /** Drops the connection; safe to call more than once. */
  void abort() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private Object await(Duration stallTimeout, CancelToken cancel)
      throws IOException, CancelledWhileReading {
    long deadline = System.nanoTime() + stallTimeout.toNanos();
    try {
      while (true) {
        if (cancel.isCancelled()) {
          abort();
          throw new CancelledWhileReading();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          abort();
          throw new HttpTimeoutException("no data received for " + stallTimeout.toMillis() + " ms");
        }
        Object event =
            events.poll(
                Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_SLICE_MILLIS),
                TimeUnit.MILLISECONDS);
        if (event != null) {
          return event;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort();
      throw new CancelledWhileReading();
    }
  }
}
