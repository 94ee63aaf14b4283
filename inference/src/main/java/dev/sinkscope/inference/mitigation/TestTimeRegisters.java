package dev.sinkscope.inference.mitigation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.PassContext;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.Locale;
import java.util.Map;

/**
 * Test-time registers (Jiang et al. 2025): append untrained zero tokens and, in each layer of the
 * neuron map, move the register neurons' activation into them.
 *
 * <p>Reference-code behaviour (the default): one value per layer, {@code sign_max} over all tokens
 * and all of that layer's neurons jointly, written to every listed neuron of each register; every
 * token except CLS and the registers gets {@code normalValues}; CLS is untouched.
 *
 * @param neurons the register neurons
 * @param registers number of appended registers (the reference always uses 1)
 * @param normalValues what the non-CLS, non-register tokens get
 * @param scale multiplier of the written value
 * @param perNeuron one value per neuron instead of one per layer ([proposal]: the paper's reading)
 * @param shiftedPatch when non-null, write into this patch (row, col) instead of appended tokens
 *     (the project page's "shifted" variant, [proposal])
 */
public record TestTimeRegisters(
    NeuronMap neurons,
    int registers,
    NormalValues normalValues,
    float scale,
    boolean perNeuron,
    int[] shiftedPatch)
    implements Mitigation {

  /** What the ordinary tokens' register-neuron activations become. */
  public enum NormalValues {
    ZERO,
    MEAN,
    ONLY_OUTLIERS,
    SAME;

    public String spec() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public TestTimeRegisters {
    if (shiftedPatch == null && (registers < 1 || registers > 64)) {
      throw new IllegalArgumentException(
          "test-time registers: count must be 1..64, got " + registers);
    }
    if (shiftedPatch != null && shiftedPatch.length != 2) {
      throw new IllegalArgumentException("test-time registers: shifted patch needs (row, col)");
    }
    shiftedPatch = shiftedPatch == null ? null : shiftedPatch.clone();
  }

  /** The reference configuration: 1 register, zeroed patches, scale 1, joint value. */
  public static TestTimeRegisters reference(NeuronMap neurons) {
    return new TestTimeRegisters(neurons, 1, NormalValues.ZERO, 1f, false, null);
  }

  @Override
  public int[] shiftedPatch() {
    return shiftedPatch == null ? null : shiftedPatch.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestTimeRegisters t
        && neurons.equals(t.neurons)
        && registers == t.registers
        && normalValues == t.normalValues
        && Float.compare(scale, t.scale) == 0
        && perNeuron == t.perNeuron
        && java.util.Arrays.equals(shiftedPatch, t.shiftedPatch);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        neurons,
        registers,
        normalValues,
        scale,
        perNeuron,
        java.util.Arrays.hashCode(shiftedPatch));
  }

  @Override
  public String spec() {
    StringBuilder s = new StringBuilder("ttr:registers=").append(registers);
    if (normalValues != NormalValues.ZERO) {
      s.append(",normal=").append(normalValues.spec());
    }
    if (scale != 1f) {
      s.append(",scale=").append(scale);
    }
    if (perNeuron) {
      s.append(",value=per-neuron");
    }
    if (shiftedPatch != null) {
      s.append(",shifted=").append(shiftedPatch[0]).append(':').append(shiftedPatch[1]);
    }
    return s.toString();
  }

  @Override
  public Provenance provenance() {
    return perNeuron || shiftedPatch != null || registers != 1
        ? Provenance.PROPOSAL
        : Provenance.REFERENCE_CODE;
  }

  @Override
  public String description() {
    return "Test-time registers (Jiang et al. 2025): "
        + neurons.neurons().size()
        + " register neurons from "
        + neurons.source()
        + " moved into "
        + (shiftedPatch != null
            ? "patch " + shiftedPatch[0] + ":" + shiftedPatch[1]
            : registers + " appended untrained token" + (registers > 1 ? "s" : ""))
        + "; training-free, "
        + provenance().label()
        + ".";
  }

  @Override
  public void validate(ModelSpec model) {
    neurons.validate(model);
  }

  @Override
  public int firstAffectedBlock(ModelSpec model) {
    // An appended register is attended to from block 0 on; only the shifted variant starts later.
    return shiftedPatch == null ? 0 : neurons.firstLayer();
  }

  @Override
  public ForwardHooks hooks(ModelSpec model) {
    Map<Integer, int[]> byLayer = neurons.byLayer();
    TestTimeRegisters config = this;
    return new ForwardHooks() {
      @Override
      public TokenLayout layoutAfterEmbeddings(TokenLayout layout) {
        return shiftedPatch != null
            ? layout
            : layout.withTestTimeRegisters(layout.testTimeRegisters() + registers);
      }

      @Override
      public NDArray afterEmbeddings(NDArray tokens, TokenLayout layout, PassContext context) {
        if (shiftedPatch != null) {
          return tokens;
        }
        // [1, T, D] ++ zeros [1, R, D]: no position embedding, before any pre-norm (as the
        // reference).
        NDArray zeros =
            tokens
                .getManager()
                .zeros(new Shape(1, registers, tokens.getShape().get(2)), tokens.getDataType());
        return tokens.concat(zeros, 1);
      }

      @Override
      public NDArray mlpActivations(
          int block, NDArray activations, TokenLayout layout, PassContext context) {
        int[] cols = byLayer.get(block);
        return cols == null ? activations : config.edit(block, activations, cols, layout, context);
      }

      @Override
      public int firstAffectedBlock() {
        return config.firstAffectedBlock(model);
      }
    };
  }

  /**
   * Edits {@code act [1, T, M]} in the columns {@code cols}: gathered to the host as {@code [T, k]}
   * with a one-hot matmul (exact), rewritten, and scattered back the same way.
   */
  NDArray edit(int block, NDArray act, int[] cols, TokenLayout layout, PassContext context) {
    int t = (int) act.getShape().get(1);
    int m = (int) act.getShape().get(2);
    int k = cols.length;
    NDManager scope = act.getManager();
    float[] oneHot = new float[m * k]; // [M, k]
    float[] keep = new float[m]; // [M]: 0 in edited columns
    java.util.Arrays.fill(keep, 1f);
    for (int c = 0; c < k; c++) {
      oneHot[cols[c] * k + c] = 1f;
      keep[cols[c]] = 0f;
    }
    NDArray select = scope.create(oneHot, new Shape(m, k));
    float[] values = toHost(act.matMul(select)); // [T, k]

    // Target tokens and the tokens that count as "normal" (everything but CLS and the targets).
    int firstTarget;
    int targetCount;
    if (shiftedPatch != null) {
      firstTarget = layout.patchToken(shiftedPatch[0], shiftedPatch[1]);
      targetCount = 1;
    } else {
      firstTarget = layout.firstTestTimeRegisterIndex() + layout.testTimeRegisters() - registers;
      targetCount = registers;
    }
    boolean[] normal = new boolean[t];
    for (int i = 1; i < t; i++) {
      normal[i] = i < firstTarget || i >= firstTarget + targetCount;
    }
    if (!layout.hasCls()) {
      normal[0] = !(0 >= firstTarget && 0 < firstTarget + targetCount);
    }

    float[] registerValue = new float[k];
    if (perNeuron) {
      for (int c = 0; c < k; c++) {
        registerValue[c] = scale * signMax(values, t, k, c, c + 1);
      }
    } else {
      java.util.Arrays.fill(registerValue, scale * signMax(values, t, k, 0, k));
    }
    float[] edited = values.clone();
    applyNormalValues(edited, values, normal, t, k);
    for (int i = firstTarget; i < firstTarget + targetCount; i++) {
      System.arraycopy(registerValue, 0, edited, i * k, k);
    }
    context.recordDebug("debug.ttr_register_value.layer" + block, FloatTensor.of(registerValue, k));
    context.recordDebug(
        "debug.ttr_edited_activations.layer" + block, FloatTensor.of(edited.clone(), t, k));

    NDArray newCols = scope.create(edited, new Shape(1, t, k));
    NDArray scattered = newCols.matMul(select.transpose(1, 0)); // [1, T, M], zero outside cols
    return act.mul(scope.create(keep, new Shape(m))).add(scattered);
  }

  /** max if |max| > |min| else min, over columns [from, to) of every row. */
  static float signMax(float[] values, int rows, int k, int from, int to) {
    float max = Float.NEGATIVE_INFINITY;
    float min = Float.POSITIVE_INFINITY;
    for (int i = 0; i < rows; i++) {
      for (int c = from; c < to; c++) {
        float v = values[i * k + c];
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    return Math.abs(max) > Math.abs(min) ? max : min;
  }

  private void applyNormalValues(float[] edited, float[] original, boolean[] normal, int t, int k) {
    if (normalValues == NormalValues.SAME) {
      return;
    }
    for (int c = 0; c < k; c++) {
      double sum = 0;
      int count = 0;
      for (int i = 0; i < t; i++) {
        if (normal[i]) {
          sum += original[i * k + c];
          count++;
        }
      }
      float mean = (float) (sum / Math.max(count, 1));
      double ss = 0;
      for (int i = 0; i < t; i++) {
        if (normal[i]) {
          double dv = original[i * k + c] - mean;
          ss += dv * dv;
        }
      }
      float threshold =
          mean + (float) Math.sqrt(ss / Math.max(count - 1, 1)); // unbiased std, as torch.std
      for (int i = 0; i < t; i++) {
        if (!normal[i]) {
          continue;
        }
        int idx = i * k + c;
        switch (normalValues) {
          case ZERO -> edited[idx] = 0f;
          case MEAN -> edited[idx] = mean;
          case ONLY_OUTLIERS -> {
            if (original[idx] > threshold) {
              edited[idx] = mean;
            }
          }
          default -> {}
        }
      }
    }
  }

  private static float[] toHost(NDArray a) {
    NDArray cpu = a.getDevice().isGpu() ? a.toDevice(ai.djl.Device.cpu(), false) : a;
    return cpu.toFloatArray();
  }
}
