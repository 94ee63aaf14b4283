package dev.sinkscope.inference.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sinkscope.inference.engine.Devices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine's floor for a forward pass: the float32 matrix-product rate of the inference engine's
 * libtorch on this device, with the engine's thread setting (the same process and threads the Java
 * forward uses). Each shape is timed by itself on random operands, fastest of several products
 * after a warm-up.
 */
public final class MatmulFloor {

  /** Rate of one shape: the fastest product, in milliseconds, and its GFLOP/s. */
  public record Rate(FlopCount.MatmulShape shape, double bestMs) {
    public double gflops() {
      return shape.flop() / bestMs / 1e6;
    }
  }

  /**
   * The floor of one model on one input.
   *
   * @param flop the pass's work
   * @param rates the rate of each of its product shapes
   */
  public record Floor(FlopCount flop, List<Rate> rates) {
    /**
     * Floor time of one pass: every product at its own measured rate, summed (what a pass that did
     * nothing but its matrix products would take).
     */
    public double floorMs() {
      return rates.stream().mapToDouble(r -> r.bestMs() * r.shape().count()).sum();
    }

    /** The effective rate of the pass's own shapes: total FLOP / floor time. */
    public double gflops() {
      return flop.total() / floorMs() / 1e6;
    }
  }

  private final Device device;
  private final double minMillisPerShape;
  private final Map<String, Double> cache = new HashMap<>();

  /**
   * @param device the engine device option (cpu, gpu, auto)
   * @param minMillisPerShape timed milliseconds per shape (at least 3 products)
   */
  public MatmulFloor(String device, double minMillisPerShape) {
    this.device = Devices.resolve(device);
    this.minMillisPerShape = minMillisPerShape;
  }

  /**
   * Times every product shape of {@code flop}. A batched (attention) product of more than {@link
   * #BANDED_ABOVE} rows is also timed in bands of rows, as the forward computes it (ADR 0025), and
   * the faster way counts: a band's product stays in the cache, so it is often faster than the same
   * work in one product.
   */
  public Floor measure(FlopCount flop) {
    List<Rate> rates = new ArrayList<>();
    for (FlopCount.MatmulShape shape : flop.shapes()) {
      double best = bestMs(shape);
      if (shape.batch() > 1 && shape.m() > BANDED_ABOVE) {
        for (int target : BAND_ROWS) {
          int bands = (shape.m() + target - 1) / target;
          int rows = (shape.m() + bands - 1) / bands;
          FlopCount.MatmulShape band =
              new FlopCount.MatmulShape(
                  shape.name(), shape.batch(), rows, shape.k(), shape.n(), shape.count());
          // bands x rows >= m: a little more work than the shape, so never an underestimate
          best = Math.min(best, bands * bestMs(band));
        }
      }
      rates.add(new Rate(shape, best));
    }
    return new Floor(flop, rates);
  }

  /** Batched products with more rows than this are also timed in bands. */
  public static final int BANDED_ABOVE = 512;

  /** Band heights tried (rows per band, before evening the bands out). */
  private static final int[] BAND_ROWS = {128, 256, 512};

  /** A large square product {@code [n, n] x [n, n]}, the usual peak-rate figure. */
  public Rate square(int n) {
    FlopCount.MatmulShape shape = new FlopCount.MatmulShape("square " + n, 1, n, n, n, 1);
    return new Rate(shape, bestMs(shape));
  }

  private double bestMs(FlopCount.MatmulShape shape) {
    String key = shape.batch() + "x" + shape.m() + "x" + shape.k() + "x" + shape.n();
    Double known = cache.get(key);
    if (known != null) {
      return known;
    }
    double best = Double.POSITIVE_INFINITY;
    try (NDManager manager = NDManager.newBaseManager(device)) {
      Shape left =
          shape.batch() > 1
              ? new Shape(shape.batch(), shape.m(), shape.k())
              : new Shape(shape.m(), shape.k());
      Shape right =
          shape.batch() > 1
              ? new Shape(shape.batch(), shape.k(), shape.n())
              : new Shape(shape.k(), shape.n());
      NDArray a = manager.randomNormal(0, 1, left, DataType.FLOAT32);
      NDArray b = manager.randomNormal(0, 1, right, DataType.FLOAT32);
      for (int i = 0; i < 2; i++) {
        product(a, b);
      }
      long end = System.nanoTime() + (long) (minMillisPerShape * 1e6);
      for (int i = 0; i < 3 || System.nanoTime() < end; i++) {
        long start = System.nanoTime();
        product(a, b);
        best = Math.min(best, (System.nanoTime() - start) / 1e6);
        if (i >= 200) {
          break;
        }
      }
    }
    cache.put(key, best);
    return best;
  }

  /** One product, read back to a scalar so a GPU finishes it before the clock stops. */
  private void product(NDArray a, NDArray b) {
    try (NDArray c = a.matMul(b)) {
      if (device.isGpu()) {
        try (NDArray s = c.sum()) {
          s.getFloat();
        }
      }
    }
  }
}
