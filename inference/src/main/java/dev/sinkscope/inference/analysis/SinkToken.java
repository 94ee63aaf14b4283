package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.TokenKind;

/**
 * One entry of the top-sink list.
 *
 * @param token sequence position
 * @param kind what the token is
 * @param row grid row for a patch, else -1
 * @param col grid column for a patch, else -1
 * @param score sink score {@code s_j}
 * @param ratio normalised sink ratio {@code ρ_j = T · s_j} (1 = uniform)
 * @param flagged whether the sink flag rule marks it
 * @param guPercent Gu et al. head fraction in percent (NaN when unavailable)
 */
public record SinkToken(
    int token,
    TokenKind kind,
    int row,
    int col,
    double score,
    double ratio,
    boolean flagged,
    double guPercent) {}
