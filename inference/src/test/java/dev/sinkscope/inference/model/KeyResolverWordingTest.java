package dev.sinkscope.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Counts in loader messages agree with their noun ("1 tensors" read as a bug). */
class KeyResolverWordingTest {
  @Test
  void oneTensorIsSingular() {
    assertEquals("1 tensor", KeyResolver.tensors(1));
    assertEquals("2 tensors", KeyResolver.tensors(2));
    assertEquals("0 tensors", KeyResolver.tensors(0));
  }
}
