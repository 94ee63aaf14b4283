package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.inference.result.TokenKind;

/**
 * A non-patch token (CLS, register, test-time register) shown beside the canvas in the same
 * colours, since it has no place on the photo.
 *
 * @param name e.g. "reg 2"
 * @param kind token kind
 * @param value the shown quantity there
 * @param argb its colour on the current scale (beyond-range values get the colormap's over colour)
 */
public record TokenChip(String name, TokenKind kind, double value, int argb) {}
