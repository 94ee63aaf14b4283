package dev.sinkscope.inference.mitigation;

import ai.djl.ndarray.NDArray;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.PassContext;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An ordered, immutable list of mitigations applied together. Hooks run in list order at every
 * site; attention normalisers do not stack (the first one covering a block wins).
 */
public record MitigationStack(List<Mitigation> mitigations) {
  public static final MitigationStack NONE = new MitigationStack(List.of());

  public MitigationStack {
    mitigations = List.copyOf(mitigations);
  }

  public static MitigationStack of(Mitigation... mitigations) {
    return new MitigationStack(List.of(mitigations));
  }

  public boolean isEmpty() {
    return mitigations.isEmpty();
  }

  public MitigationStack with(Mitigation m) {
    List<Mitigation> list = new ArrayList<>(mitigations);
    list.add(m);
    return new MitigationStack(list);
  }

  public void validate(ModelSpec model) {
    mitigations.forEach(m -> m.validate(model));
  }

  /** First block any member changes; {@code Integer.MAX_VALUE} when empty. */
  public int firstAffectedBlock(ModelSpec model) {
    return mitigations.stream()
        .mapToInt(m -> m.firstAffectedBlock(model))
        .min()
        .orElse(Integer.MAX_VALUE);
  }

  /**
   * First block whose computation differs between this stack and {@code other}: the blocks before
   * it give bit-identical results under both, so they can be reused.
   */
  public int firstDifferingBlock(MitigationStack other, ModelSpec model) {
    Set<Mitigation> mine = new HashSet<>(mitigations);
    Set<Mitigation> theirs = new HashSet<>(other.mitigations);
    int first = Integer.MAX_VALUE;
    for (Mitigation m : mitigations) {
      if (!theirs.contains(m)) {
        first = Math.min(first, m.firstAffectedBlock(model));
      }
    }
    for (Mitigation m : other.mitigations) {
      if (!mine.contains(m)) {
        first = Math.min(first, m.firstAffectedBlock(model));
      }
    }
    if (first == Integer.MAX_VALUE && !mitigations.equals(other.mitigations)) {
      first =
          Math.min(
              firstAffectedBlock(model), other.firstAffectedBlock(model)); // same set, new order
    }
    return first;
  }

  public String spec() {
    return mitigations.stream().map(Mitigation::spec).collect(Collectors.joining(" "));
  }

  /** The composite hooks. */
  public ForwardHooks hooks(ModelSpec model) {
    if (mitigations.isEmpty()) {
      return ForwardHooks.NONE;
    }
    List<ForwardHooks> parts = mitigations.stream().map(m -> m.hooks(model)).toList();
    int first = firstAffectedBlock(model);
    return new ForwardHooks() {
      @Override
      public TokenLayout layoutAfterEmbeddings(TokenLayout layout) {
        TokenLayout l = layout;
        for (ForwardHooks h : parts) {
          l = h.layoutAfterEmbeddings(l);
        }
        return l;
      }

      @Override
      public NDArray afterEmbeddings(NDArray tokens, TokenLayout layout, PassContext context) {
        NDArray x = tokens;
        TokenLayout l = layout;
        for (ForwardHooks h : parts) {
          x = h.afterEmbeddings(x, l, context);
          l = h.layoutAfterEmbeddings(l);
        }
        return x;
      }

      @Override
      public NDArray normalizeAttention(
          int block, NDArray logits, TokenLayout layout, PassContext context) {
        for (ForwardHooks h : parts) {
          NDArray p = h.normalizeAttention(block, logits, layout, context);
          if (p != null) {
            return p;
          }
        }
        return null;
      }

      @Override
      public NDArray headOutputs(
          int block, NDArray headOutputs, TokenLayout layout, PassContext context) {
        NDArray x = headOutputs;
        for (ForwardHooks h : parts) {
          x = h.headOutputs(block, x, layout, context);
        }
        return x;
      }

      @Override
      public NDArray mlpActivations(
          int block, NDArray activations, TokenLayout layout, PassContext context) {
        NDArray x = activations;
        for (ForwardHooks h : parts) {
          x = h.mlpActivations(block, x, layout, context);
        }
        return x;
      }

      @Override
      public int firstAffectedBlock() {
        return first;
      }
    };
  }
}
