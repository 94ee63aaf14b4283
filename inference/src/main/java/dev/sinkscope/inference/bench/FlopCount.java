package dev.sinkscope.inference.bench;

import java.util.List;

/**
 * Floating-point work of one ViT forward pass on one image, counted from its matrix products: the
 * patch-embedding convolution (as the product {@code [N, 3 P^2] x [3 P^2, D]}), per block the fused
 * q/k/v, output projection and the two MLP products, and the attention products {@code Q K^T} and
 * {@code A V}. A multiply-add counts 2 FLOP. LayerNorm, softmax, GELU, biases, residual additions
 * and the final LayerNorm are ignored (under 1 % of the total at these sizes).
 *
 * <p>With {@code T} tokens, {@code N} patches, width {@code D}, MLP width {@code M}, {@code L}
 * blocks, patch {@code P}: {@code 2 N (3 P^2) D + L (2 T D 3D + 2 T D D + 2 T D M + 2 T M D + 2 T^2
 * D + 2 T^2 D)}, which for {@code M = 4D} is {@code 6 N P^2 D + L (24 T D^2 + 4 T^2 D)}.
 *
 * @param hidden D
 * @param mlp M
 * @param layers L
 * @param heads H
 * @param patch P
 * @param tokens T (CLS, registers and patches)
 * @param patches N
 */
public record FlopCount(
    int hidden, int mlp, int layers, int heads, int patch, int tokens, int patches) {

  /**
   * One matrix product shape of the pass: {@code batch} products {@code [m, k] x [k, n]}, {@code
   * count} times per pass.
   */
  public record MatmulShape(String name, int batch, int m, int k, int n, int count) {
    /** FLOP of one occurrence. */
    public double flop() {
      return 2.0 * batch * m * k * n;
    }

    /** FLOP of all occurrences in one pass. */
    public double flopPerPass() {
      return flop() * count;
    }

    /** "[257 x 768]·[768 x 2304]", with "12 x " in front for batched products. */
    public String describe() {
      return (batch > 1 ? batch + " x " : "") + "[" + m + " x " + k + "]·[" + k + " x " + n + "]";
    }
  }

  /** A benchmark checkpoint (patch 14, MLP 4D, CLS, no registers) on a square input. */
  public static FlopCount of(VitSize size, int resolution) {
    int grid = resolution / VitSize.PATCH;
    int patches = grid * grid;
    return new FlopCount(
        size.hidden(),
        size.mlp(),
        size.layers(),
        size.heads(),
        VitSize.PATCH,
        patches + 1,
        patches);
  }

  /** Every product of the pass, in the order the pass runs them. */
  public List<MatmulShape> shapes() {
    int d = hidden;
    int t = tokens;
    int dh = hidden / heads;
    int pixelsPerPatch = 3 * patch * patch;
    return List.of(
        new MatmulShape("patch embedding", 1, patches, pixelsPerPatch, d, 1),
        new MatmulShape("qkv", 1, t, d, 3 * d, layers),
        new MatmulShape("QK^T", heads, t, dh, t, layers),
        new MatmulShape("AV", heads, t, t, dh, layers),
        new MatmulShape("proj", 1, t, d, d, layers),
        new MatmulShape("fc1", 1, t, d, mlp, layers),
        new MatmulShape("fc2", 1, t, mlp, d, layers));
  }

  /** FLOP of one pass. */
  public double total() {
    return shapes().stream().mapToDouble(MatmulShape::flopPerPass).sum();
  }

  /** FLOP of one pass in GFLOP. */
  public double gflop() {
    return total() / 1e9;
  }
}
