package dev.sinkscope.inference.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sinkscope.inference.engine.TrainableWeights;
import dev.sinkscope.inference.model.CanonicalWeights;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.model.WeightRef;
import dev.sinkscope.inference.result.FloatTensor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The trainable part of the student and its AdamW state, on the training device. Trainable as in
 * the DINOv2 reference ({@code distill_main.py}): the new registers, the position table, the patch
 * projection (weight and bias) and every tensor of the last block. Everything else stays the loaded
 * model's, frozen.
 */
final class Student {

  /** One trainable tensor: its canonical name (null for the new registers), value and moments. */
  static final class Param {
    final String canonical;
    final long[] shape;
    NDArray value;
    NDArray m;
    NDArray v;

    Param(String canonical, NDArray value) {
      this.canonical = canonical;
      this.shape = value.getShape().getShape();
      this.value = value;
      this.m = value.zerosLike();
      this.v = value.zerosLike();
      value.setRequiresGradient(true);
    }

    FloatTensor host() {
      return host(value);
    }

    static FloatTensor host(NDArray a) {
      NDArray cpu =
          a.getDevice().equals(ai.djl.Device.cpu()) ? a : a.toDevice(ai.djl.Device.cpu(), false);
      float[] out = new float[Math.toIntExact(cpu.size())];
      cpu.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
      if (cpu != a) {
        cpu.close();
      }
      int[] s = new int[(int) a.getShape().dimension()];
      for (int i = 0; i < s.length; i++) {
        s[i] = Math.toIntExact(a.getShape().get(i));
      }
      return FloatTensor.of(out, s);
    }
  }

  final List<Param> params;
  final Param registers;
  final int hiddenSize;

  private Student(List<Param> params, Param registers, int hiddenSize) {
    this.params = params;
    this.registers = registers;
    this.hiddenSize = hiddenSize;
  }

  /** Canonical names trained in the reference: patch projection, position table, last block. */
  static List<String> trainableNames(Checkpoint checkpoint) {
    List<String> names = new ArrayList<>();
    names.add(CanonicalWeights.PATCH_WEIGHT);
    if (checkpoint.has(CanonicalWeights.PATCH_BIAS)) {
      names.add(CanonicalWeights.PATCH_BIAS);
    }
    if (checkpoint.has(CanonicalWeights.POSITION)) {
      names.add(CanonicalWeights.POSITION);
    }
    String last = CanonicalWeights.blockPrefix(checkpoint.spec().numLayers() - 1);
    checkpoint.weights().keySet().stream()
        .filter(k -> k.startsWith(last))
        .sorted()
        .forEach(names::add);
    return names;
  }

  /**
   * Loads the trainable tensors in their on-disk shapes and draws N registers {@code randn /
   * sqrt(D)}.
   */
  static Student create(Checkpoint checkpoint, NDManager root, int newRegisters, long seed)
      throws IOException {
    int d = checkpoint.spec().hiddenSize();
    List<Param> params = new ArrayList<>();
    for (String name : trainableNames(checkpoint)) {
      WeightRef ref = checkpoint.weight(name);
      float[] values = ref.file().readFloats(ref.key());
      params.add(new Param(name, root.create(values, new Shape(ref.info().shape()))));
    }
    Random random = new Random(seed);
    float[] reg = new float[newRegisters * d];
    double scale = 1 / Math.sqrt(d);
    for (int i = 0; i < reg.length; i++) {
      reg[i] = (float) (random.nextGaussian() * scale);
    }
    Param registers = new Param(null, root.create(reg, new Shape(1, newRegisters, d)));
    params.add(0, registers);
    return new Student(params, registers, d);
  }

  /** The current values as the forward pass takes them. */
  TrainableWeights weights(PositionInterpolation interpolation) {
    Map<String, NDArray> canonical = new LinkedHashMap<>();
    for (Param p : params) {
      if (p.canonical != null) {
        canonical.put(p.canonical, p.value);
      }
    }
    return new TrainableWeights(canonical, registers.value, interpolation);
  }

  /** The current values on the host by canonical name (new registers under "registers.new"). */
  Map<String, FloatTensor> hostValues() {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Param p : params) {
      out.put(p.canonical == null ? "registers.new" : p.canonical, p.host());
    }
    return out;
  }

  void close() {
    for (Param p : params) {
      p.value.close();
      p.m.close();
      p.v.close();
    }
  }
}
