package dev.sinkscope.inference.mitigation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses mitigation SPEC strings, shared by the CLI and saved sessions:
 *
 * <pre>
 * ttr[:registers=1,neurons=FILE|dinov2-large,normal=zero|mean|only-outliers|same,scale=1,
 *      value=joint|per-neuron,shifted=ROW:COL]
 * no-registers
 * attn:kind=sigmoid|softmax1|virtual-sink|clipped-softmax[,bias=B][,beta=B][,gamma=G,zeta=Z]
 *      [,layers=all|N|A-B][,heads=all|H;H;...]
 * gate:value=G[,layers=...][,heads=...]
 * </pre>
 */
public final class MitigationSpecs {
  private MitigationSpecs() {}

  /**
   * Supplies the neuron map for {@code ttr} when its SPEC names none (e.g. the CLI's --neurons).
   */
  @FunctionalInterface
  public interface DefaultNeurons {
    NeuronMap get() throws IOException;
  }

  public static Mitigation parse(String spec, DefaultNeurons defaultNeurons) throws IOException {
    String s = spec.trim();
    int colon = s.indexOf(':');
    String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    Map<String, String> args = colon < 0 ? Map.of() : parseArgs(spec, s.substring(colon + 1));
    return switch (name) {
      case "ttr", "test-time-registers" -> ttr(spec, args, defaultNeurons);
      case "no-registers", "registers-off" -> {
        allow(spec, args, Set.of());
        yield new RegisterAblation();
      }
      case "attn", "attention" -> attention(spec, args);
      case "gate" -> {
        allow(spec, args, Set.of("value", "layers", "heads"));
        yield new HeadGate(
            (float) number(spec, args, "value", 0.0),
            BlockRange.parse(args.getOrDefault("layers", "all")),
            HeadSet.parse(args.getOrDefault("heads", "all")));
      }
      default ->
          throw new IllegalArgumentException(
              "unknown mitigation '"
                  + name
                  + "' in '"
                  + spec
                  + "' (known: ttr, no-registers, attn, gate)");
    };
  }

  private static Mitigation ttr(
      String spec, Map<String, String> args, DefaultNeurons defaultNeurons) throws IOException {
    allow(spec, args, Set.of("registers", "neurons", "normal", "scale", "value", "shifted"));
    NeuronMap map;
    String neurons = args.get("neurons");
    if (neurons == null) {
      map = defaultNeurons == null ? null : defaultNeurons.get();
      if (map == null) {
        throw new IllegalArgumentException(
            "'"
                + spec
                + "' needs a neuron map: neurons=FILE.json, "
                + "neurons=dinov2-large (published map), or --neurons FILE");
      }
    } else if (neurons.equals("dinov2-large") || neurons.equals("dinov2-vitl14")) {
      map = NeuronMap.dinov2LargePublished();
    } else {
      map = NeuronMap.read(Path.of(neurons));
    }
    int registers = (int) number(spec, args, "registers", 1);
    TestTimeRegisters.NormalValues normal;
    try {
      normal =
          TestTimeRegisters.NormalValues.valueOf(
              args.getOrDefault("normal", "zero").toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + spec + "': normal must be zero, mean, only-outliers or same");
    }
    String value = args.getOrDefault("value", "joint");
    if (!value.equals("joint") && !value.equals("per-neuron")) {
      throw new IllegalArgumentException(
          "'" + spec + "': value must be joint (reference) or per-neuron");
    }
    int[] shifted = null;
    if (args.containsKey("shifted")) {
      String[] rc = args.get("shifted").split(":");
      try {
        shifted = new int[] {Integer.parseInt(rc[0]), Integer.parseInt(rc[1])};
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("'" + spec + "': shifted must be ROW:COL");
      }
    }
    return new TestTimeRegisters(
        map,
        registers,
        normal,
        (float) number(spec, args, "scale", 1),
        value.equals("per-neuron"),
        shifted);
  }

  private static Mitigation attention(String spec, Map<String, String> args) {
    allow(spec, args, Set.of("kind", "bias", "beta", "gamma", "zeta", "layers", "heads"));
    String kindText = args.get("kind");
    if (kindText == null) {
      throw new IllegalArgumentException(
          "'" + spec + "' needs kind=sigmoid|softmax1|virtual-sink|clipped-softmax");
    }
    AttentionNormalizer.Kind kind;
    try {
      kind = AttentionNormalizer.Kind.valueOf(kindText.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'"
              + spec
              + "': unknown kind '"
              + kindText
              + "' (sigmoid, softmax1, virtual-sink, clipped-softmax)");
    }
    double parameter =
        switch (kind) {
          case SIGMOID -> args.containsKey("bias") ? number(spec, args, "bias", 0) : Double.NaN;
          case VIRTUAL_SINK -> number(spec, args, "beta", 0);
          case CLIPPED_SOFTMAX -> number(spec, args, "gamma", -0.025);
          case SOFTMAX1 -> 0;
        };
    double zeta =
        kind == AttentionNormalizer.Kind.CLIPPED_SOFTMAX ? number(spec, args, "zeta", 1) : 1;
    return new AttentionNormalizer(
        kind,
        parameter,
        zeta,
        BlockRange.parse(args.getOrDefault("layers", "all")),
        HeadSet.parse(args.getOrDefault("heads", "all")));
  }

  private static Map<String, String> parseArgs(String spec, String text) {
    Map<String, String> args = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "'" + spec + "': expected key=value, got '" + part + "'");
      }
      args.put(
          part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
    }
    return args;
  }

  private static void allow(String spec, Map<String, String> args, Set<String> known) {
    for (String k : args.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(
            "'"
                + spec
                + "': unknown parameter '"
                + k
                + "'"
                + (known.isEmpty()
                    ? " (takes none)"
                    : " (known: " + String.join(", ", known) + ")"));
      }
    }
  }

  private static double number(String spec, Map<String, String> args, String key, double fallback) {
    String v = args.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + spec + "': " + key + " must be a number, got '" + v + "'");
    }
  }
}
