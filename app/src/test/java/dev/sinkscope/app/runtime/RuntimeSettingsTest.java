package dev.sinkscope.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {
  @Test
  void desktopLeavesOneCoreFromFourCoresUp() {
    assertEquals(1, RuntimeSettings.desktopThreads(1));
    assertEquals(2, RuntimeSettings.desktopThreads(2));
    assertEquals(3, RuntimeSettings.desktopThreads(3));
    assertEquals(3, RuntimeSettings.desktopThreads(4));
    assertEquals(15, RuntimeSettings.desktopThreads(16));
  }
}
