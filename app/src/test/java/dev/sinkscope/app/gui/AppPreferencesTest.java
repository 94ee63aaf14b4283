package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.main.AppPreferences;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppPreferencesTest {
  private Preferences node;
  private AppPreferences prefs;

  @BeforeEach
  void createNode() {
    node =
        Preferences.userRoot()
            .node("dev/sinkscope/test/" + getClass().getSimpleName() + "-" + System.nanoTime());
    prefs = new AppPreferences(node);
  }

  @AfterEach
  void removeNode() throws BackingStoreException {
    node.removeNode();
  }

  @Test
  void keepsRecentModelsNewestFirstWithoutDuplicates() {
    prefs.addRecentModel(Path.of("/models/a"));
    prefs.addRecentModel(Path.of("/models/b"));
    prefs.addRecentModel(Path.of("/models/a"));

    assertEquals(List.of(Path.of("/models/a"), Path.of("/models/b")), prefs.recentModels());
  }

  @Test
  void forgetsTheOldestBeyondTheLimit() {
    for (int i = 0; i < AppPreferences.RECENT_LIMIT + 3; i++) {
      prefs.addRecentImage(Path.of("/images/" + i + ".png"));
    }

    List<Path> recent = prefs.recentImages();
    assertEquals(AppPreferences.RECENT_LIMIT, recent.size());
    assertEquals(Path.of("/images/" + (AppPreferences.RECENT_LIMIT + 2) + ".png"), recent.get(0));
  }

  @Test
  void remembersWindowBounds() {
    assertTrue(prefs.windowBounds().isEmpty());
    AppPreferences.WindowBounds bounds = new AppPreferences.WindowBounds(10, 20, 1200, 800, false);

    prefs.setWindowBounds(bounds);

    assertEquals(bounds, prefs.windowBounds().orElseThrow());
  }
}
