/**
 * Saved sessions and report data, shared by the command line and the GUI: {@link
 * dev.sinkscope.inference.report.SessionFile} (what was looked at: model and weights hash, image
 * and its hash, view settings, mitigations as SPEC strings) with its JSON mapping, and the metric
 * rows written as JSON and CSV ({@link dev.sinkscope.inference.report.LayerMetrics}, {@link
 * dev.sinkscope.inference.report.LayerComparison}, {@link
 * dev.sinkscope.inference.report.MetricsCsv}). No JavaFX and no rendering here.
 */
package dev.sinkscope.inference.report;
