package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.TokenKind;

/**
 * The norm of one non-patch token (CLS, distillation, register, test-time register), reported
 * apart.
 */
public record TokenNorm(int token, TokenKind kind, double norm) {}
