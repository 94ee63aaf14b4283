/**
 * Self-distilled registers (PH-Reg student, methods §5.3): fine-tunes new register tokens, the
 * position table, the patch projection and the last block of a model so that its single-pass final
 * patch features match the shift/flip-denoised features of the frozen model. Autograd runs over the
 * inference forward pass itself ({@link dev.sinkscope.inference.engine.VitForward#trainingPass}).
 */
package dev.sinkscope.inference.distill;
