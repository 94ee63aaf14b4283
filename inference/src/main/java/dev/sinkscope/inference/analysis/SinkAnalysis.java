package dev.sinkscope.inference.analysis;

import java.util.List;

/** Per-block sink metrics and the whole-pass scores. */
public record SinkAnalysis(List<LayerSinkAnalysis> layers, SinkScores scores) {}
