package dev.sinkscope.inference.result;

/** What a position in the token sequence stands for. */
public enum TokenKind {
  /** The class token. */
  CLS,
  /** DeiT's distillation token. */
  DISTILLATION,
  /** A trained register (Darcet et al.). */
  REGISTER,
  /** An image patch. */
  PATCH,
  /** An extra, untrained test-time register appended by the intervention (Jiang et al.). */
  TEST_TIME_REGISTER
}
