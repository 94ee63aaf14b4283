package dev.sinkscope.app.gui;

import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.Viewport;
import dev.sinkscope.app.gui.layers.LayerPlayback;
import dev.sinkscope.app.gui.main.MainViewModel;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;

/**
 * The window's single-key shortcuts (←/→ block, ↑/↓ head, Space, C, 0/+/−, 1–7, Esc, ?), routed on
 * the scene so they work whatever has the focus, except where a text field, list or spinner needs
 * the key. Menu accelerators are the menus' own.
 */
final class KeyRouting {
  private final MainViewModel vm;
  private final HelpOverlay help;
  private final LayerPlayback playback;
  private final Viewport viewport;
  private final Runnable toggleCompare;
  private final Supplier<Node> focusOwner;
  private final Supplier<MenuBar> menus;
  private boolean menuJustClosed;

  KeyRouting(
      MainViewModel vm,
      HelpOverlay help,
      LayerPlayback playback,
      Viewport viewport,
      Runnable toggleCompare,
      Supplier<Node> focusOwner,
      Supplier<MenuBar> menus) {
    this.vm = vm;
    this.help = help;
    this.playback = playback;
    this.viewport = viewport;
    this.toggleCompare = toggleCompare;
    this.focusOwner = focusOwner;
    this.menus = menus;
  }

  /** Watches the menus: the Esc that closed one may reach the window after it is gone. */
  void watch(MenuBar menuBar) {
    for (Menu m : menuBar.getMenus()) {
      m.showingProperty()
          .addListener(
              (obs, was, now) -> {
                if (!now) {
                  menuJustClosed = true;
                  Platform.runLater(() -> menuJustClosed = false); // after this event's Esc
                }
              });
    }
  }

  private Node focusOwner() {
    return focusOwner.get();
  }

  void onKey(KeyEvent e) {
    Node focus = focusOwner();
    boolean typing = focus instanceof TextInputControl;
    boolean listLike =
        focus instanceof ComboBoxBase
            || focus instanceof Spinner
            || focus instanceof ListView
            || focus instanceof TableView;
    if (e.isShortcutDown() || e.isAltDown()) {
      return; // menu accelerators
    }
    KeyCode code = e.getCode();
    if (code == KeyCode.ESCAPE && (menuOpen() || menuJustClosed)) {
      return; // Esc closes the menu and nothing else
    }
    if (code == KeyCode.ESCAPE) {
      if (help.isVisible()) {
        help.setVisible(false);
      } else if (vm.tasks().status().cancellableProperty().get()) {
        vm.cancel();
      } else {
        vm.viewer().selectedPatchProperty().set(null);
      }
      e.consume();
      return;
    }
    if (typing) {
      return;
    }
    boolean arrows =
        code == KeyCode.LEFT || code == KeyCode.RIGHT || code == KeyCode.UP || code == KeyCode.DOWN;
    if (arrows && listLike) {
      return;
    }
    switch (code) {
      case LEFT:
        vm.viewer().stepBlock(-1);
        break;
      case RIGHT:
        vm.viewer().stepBlock(1);
        break;
      case UP:
        vm.viewer().stepHead(-1);
        break;
      case DOWN:
        vm.viewer().stepHead(1);
        break;
      case SPACE:
        playback.toggle();
        break;
      case C:
        toggleCompare.run();
        break;
      case DIGIT0:
      case NUMPAD0:
        viewport.reset();
        break;
      case PLUS:
      case ADD:
      case EQUALS:
        viewport.zoomAt(1.25, viewport.centerXProperty().get(), viewport.centerYProperty().get());
        break;
      case MINUS:
      case SUBTRACT:
        viewport.zoomAt(0.8, viewport.centerXProperty().get(), viewport.centerYProperty().get());
        break;
      default:
        if (code.isDigitKey()) {
          int n =
              Integer.parseInt(code.getChar().isEmpty() ? "0" : code.getChar().substring(0, 1)) - 1;
          if (n >= 0 && n < Quantity.values().length) {
            vm.viewer().quantityProperty().set(Quantity.values()[n]);
            break;
          }
        }
        return;
    }
    e.consume();
  }

  /** Whether a menu of the menu bar is open (including its submenus). */
  boolean menuOpen() {
    MenuBar menuBar = menus.get();
    return menuBar != null && menuBar.getMenus().stream().anyMatch(Menu::isShowing);
  }

  void onKeyTyped(KeyEvent e) {
    if ("?".equals(e.getCharacter()) && !(focusOwner() instanceof TextInputControl)) {
      help.toggle();
      e.consume();
    }
  }
}
