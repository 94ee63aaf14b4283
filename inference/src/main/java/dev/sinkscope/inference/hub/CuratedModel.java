package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.ModelFamily;

/**
 * A hub repo Sinkscope supports, for the "Open from hub…" list.
 *
 * @param repoId {@code org/name}
 * @param title short display name
 * @param family model family, for presets
 * @param layout checkpoint layout the loader should expect
 * @param registers trained register tokens (0 for none)
 * @param approxDownloadBytes approximate size of config plus safetensors weights; indicative only,
 *     the hub's own numbers are authoritative and change when repos are updated
 */
public record CuratedModel(
    String repoId,
    String title,
    ModelFamily family,
    CheckpointLayout layout,
    int registers,
    long approxDownloadBytes) {

  public CuratedModel {
    HubModelId.validateRepoId(repoId);
  }

  /** The size for display, marked as approximate, e.g. "≈ 350 MB". */
  public String approxSizeLabel() {
    return "≈ " + HumanUnits.bytes(approxDownloadBytes).replaceFirst("\\.0 ", " ");
  }
}
