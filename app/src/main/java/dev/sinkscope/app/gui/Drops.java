package dev.sinkscope.app.gui;

import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.inference.work.HeavyWork;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javax.imageio.ImageIO;

/**
 * What a drop or a paste opens: a folder, config.json or safetensors file opens a model, any other
 * file is tried as a photo, and an in-memory picture is encoded and opened as a photo.
 */
final class Drops {
  private final MainViewModel vm;

  Drops(MainViewModel vm) {
    this.vm = vm;
  }

  void onDragOver(DragEvent e) {
    Dragboard board = e.getDragboard();
    if (board.hasFiles() || board.hasImage()) {
      e.acceptTransferModes(TransferMode.COPY);
    }
    e.consume();
  }

  void onDragDropped(DragEvent e) {
    Dragboard board = e.getDragboard();
    boolean done =
        board.hasFiles()
            ? openDropped(board.getFiles())
            : board.hasImage() && openImage(board.getImage(), "dropped image");
    e.setDropCompleted(done);
    e.consume();
  }

  /** A folder or config.json opens a model; anything else is tried as a photo. */
  boolean openDropped(List<File> files) {
    if (files.isEmpty()) {
      return false;
    }
    Path path = files.get(0).toPath();
    if (Files.isDirectory(path)
        || path.getFileName().toString().equals("config.json")
        || path.getFileName().toString().endsWith(".safetensors")) {
      vm.openModel(path);
    } else {
      vm.openImage(path);
    }
    return true;
  }

  void paste() {
    Clipboard clipboard = Clipboard.getSystemClipboard();
    if (clipboard.hasFiles()) {
      openDropped(clipboard.getFiles());
    } else if (clipboard.hasImage()) {
      openImage(clipboard.getImage(), "pasted image");
    } else {
      vm.showMessage("The clipboard holds no image.");
    }
  }

  /**
   * An in-memory picture (clipboard, browser drop) goes to the decoder as PNG bytes, encoded by a
   * background task (a large screenshot takes a while).
   */
  boolean openImage(Image image, String name) {
    // Read the pixels here (the image belongs to the FX thread); encode them off it.
    java.awt.image.BufferedImage pixels = SwingFXUtils.fromFXImage(image, null);
    BackgroundTask.of(
            "Reading the " + name + "…",
            context -> {
              HeavyWork.starts(HeavyWork.Kind.IMAGE_LOAD);
              ByteArrayOutputStream png = new ByteArrayOutputStream();
              ImageIO.write(pixels, "png", png);
              return png.toByteArray();
            })
        .notCancellable()
        .onSuccess(bytes -> vm.openImageBytes(name, bytes))
        .onFailure(e -> vm.showMessage("Cannot read the " + name + ": " + e.getMessage()))
        .executeWith(vm.tasks());
    return true;
  }
}
