package dev.sinkscope.app.cli;

import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The mitigation SPEC forms, each with its provenance and description, for help texts. */
final class MitigationCatalog {

  /**
   * One form of SPEC.
   *
   * @param syntax what to type
   * @param example a SPEC that parses, used to ask the mitigation itself for its provenance and
   *     description
   */
  record Entry(String syntax, String example) {
    Mitigation parsed() {
      try {
        return MitigationSpecs.parse(example, null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static final List<Entry> ENTRIES =
      List.of(
          new Entry(
              "ttr[:neurons=FILE|dinov2-large,normal=zero|mean|only-outliers|same,scale=S]",
              "ttr:neurons=dinov2-large"),
          new Entry("ttr:value=per-neuron", "ttr:neurons=dinov2-large,value=per-neuron"),
          new Entry("ttr:registers=R (R other than 1)", "ttr:neurons=dinov2-large,registers=2"),
          new Entry("ttr:shifted=ROW:COL", "ttr:neurons=dinov2-large,shifted=0:0"),
          new Entry("no-registers", "no-registers"),
          new Entry("attn:kind=sigmoid[,bias=B][,layers=A-B][,heads=H;H]", "attn:kind=sigmoid"),
          new Entry("attn:kind=softmax1[,layers=...][,heads=...]", "attn:kind=softmax1"),
          new Entry(
              "attn:kind=virtual-sink,beta=B[,layers=...][,heads=...]",
              "attn:kind=virtual-sink,beta=0"),
          new Entry(
              "attn:kind=clipped-softmax[,gamma=G,zeta=Z][,layers=...][,heads=...]",
              "attn:kind=clipped-softmax"),
          new Entry("gate:value=G[,layers=A-B][,heads=H;H]", "gate:value=0"));

  private MitigationCatalog() {}

  /** Short lines for the footer of commands that take --mitigation. */
  static String[] footer() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add(
        "Mitigation SPEC (repeat --mitigation to stack; 'sinkscope mitigations' describes each):");
    for (Entry e : ENTRIES) {
      lines.add("  " + e.syntax());
      lines.add("      " + e.parsed().provenance().label());
    }
    lines.add(
        "  layers= are 0-based blocks (N, A-B or all); heads= are 0-based, separated by ';'.");
    lines.add(
        "  ttr without neurons= uses --neurons, else the model folder's ttr.json or phantom.json.");
    return lines.toArray(String[]::new);
  }
}
