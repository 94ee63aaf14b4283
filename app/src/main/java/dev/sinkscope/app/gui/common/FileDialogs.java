package dev.sinkscope.app.gui.common;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The native file dialogs, behind an interface so tests can answer them. */
public interface FileDialogs {

  Optional<Path> chooseFolder(Window owner, String title, Optional<Path> start);

  Optional<Path> openFile(
      Window owner, String title, Optional<Path> start, List<FileChooser.ExtensionFilter> filters);

  Optional<Path> saveFile(
      Window owner,
      String title,
      Optional<Path> start,
      String suggestedName,
      List<FileChooser.ExtensionFilter> filters);

  FileChooser.ExtensionFilter IMAGES =
      new FileChooser.ExtensionFilter(
          "Photos", "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif", "*.PNG", "*.JPG", "*.JPEG");
  FileChooser.ExtensionFilter PNG = new FileChooser.ExtensionFilter("PNG image", "*.png");
  FileChooser.ExtensionFilter JSON = new FileChooser.ExtensionFilter("JSON", "*.json");
  FileChooser.ExtensionFilter CSV = new FileChooser.ExtensionFilter("CSV", "*.csv");

  /** JavaFX's choosers. */
  final class Native implements FileDialogs {
    @Override
    public Optional<Path> chooseFolder(Window owner, String title, Optional<Path> start) {
      DirectoryChooser chooser = new DirectoryChooser();
      chooser.setTitle(title);
      start.map(Path::toFile).filter(File::isDirectory).ifPresent(chooser::setInitialDirectory);
      return Optional.ofNullable(chooser.showDialog(owner)).map(File::toPath);
    }

    @Override
    public Optional<Path> openFile(
        Window owner,
        String title,
        Optional<Path> start,
        List<FileChooser.ExtensionFilter> filters) {
      FileChooser chooser = chooser(title, start, filters);
      return Optional.ofNullable(chooser.showOpenDialog(owner)).map(File::toPath);
    }

    @Override
    public Optional<Path> saveFile(
        Window owner,
        String title,
        Optional<Path> start,
        String suggestedName,
        List<FileChooser.ExtensionFilter> filters) {
      FileChooser chooser = chooser(title, start, filters);
      chooser.setInitialFileName(suggestedName);
      return Optional.ofNullable(chooser.showSaveDialog(owner)).map(File::toPath);
    }

    private static FileChooser chooser(
        String title, Optional<Path> start, List<FileChooser.ExtensionFilter> filters) {
      FileChooser chooser = new FileChooser();
      chooser.setTitle(title);
      chooser.getExtensionFilters().setAll(filters);
      start.map(Path::toFile).filter(File::isDirectory).ifPresent(chooser::setInitialDirectory);
      return chooser;
    }
  }
}
