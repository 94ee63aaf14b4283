package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.TokenKind;

/**
 * One scalar of a block output {@code X[token, dim]}.
 *
 * @param token sequence position
 * @param kind what the token is
 * @param dim feature dimension
 * @param value signed value
 * @param magnitude {@code |value|}
 * @param overMedian {@code magnitude / median |X|} of the block (NaN when the median is 0)
 */
public record MassiveActivation(
    int token, TokenKind kind, int dim, double value, double magnitude, double overMedian) {}
