/**
 * Host-side analysis of one forward pass, pure Java on float arrays.
 *
 * <p>Entry point: {@link dev.sinkscope.inference.analysis.Analyzer#analyze(
 * dev.sinkscope.inference.result.ForwardResult, AnalysisOptions)} returns an {@link
 * AnalysisReport}: per-block patch-norm statistics and artifact detections (four rules, methods
 * §1.3), the emergence block, sink scores, CLS capture and the Gu et al. head fraction (§3.1),
 * massive activations, DINO CLS maps, attention rollout and the PCA view (§6). Conventions are
 * recorded in {@code docs/decisions/0008-analysis-conventions.md}.
 */
package dev.sinkscope.inference.analysis;
