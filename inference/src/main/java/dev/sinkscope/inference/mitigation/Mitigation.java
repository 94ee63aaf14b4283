package dev.sinkscope.inference.mitigation;

import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.model.ModelSpec;

/**
 * A fix for high-norm artifact tokens or attention sinks, applied to the loaded weights at
 * inference time. Mitigations are immutable values: equal values act identically, which is what
 * incremental recompute relies on.
 */
public sealed interface Mitigation
    permits TestTimeRegisters, RegisterAblation, AttentionNormalizer, HeadGate {

  /** The SPEC text that parses back to this value (see {@link MitigationSpecs}). */
  String spec();

  Provenance provenance();

  /** One honest line for help texts and the GUI. */
  String description();

  /** Checks that the mitigation applies to {@code model}; throws with a user message otherwise. */
  void validate(ModelSpec model);

  /** The forward-pass hooks that implement it. */
  ForwardHooks hooks(ModelSpec model);

  /** First 0-based block whose computation it changes; 0 for changes at the embeddings. */
  int firstAffectedBlock(ModelSpec model);
}
