package dev.sinkscope.app.gui.common;

import dev.sinkscope.app.report.MetricHelp;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.util.Callback;
import javafx.util.Duration;

/**
 * The "?" beside every number: a small mark whose tooltip gives the definition, formula, the value
 * that means "no artifact" and the method, from the catalogue {@link MetricHelp} (one data file).
 * One call per row attaches it.
 */
public final class MetricHelpMarks {
  public static final String STYLE_CLASS = "metric-help";

  private MetricHelpMarks() {}

  /**
   * Puts a "?" after {@code name} explaining the metric its text names; nothing when none matches.
   */
  public static void attach(Label name) {
    attach(name, MetricHelp.forLabel(name.getText()).stream().toList());
  }

  /** Puts a "?" after {@code label} explaining the catalogue entries with these keys. */
  public static void attach(Label label, String... keys) {
    attach(label, Arrays.stream(keys).map(MetricHelp::byKey).flatMap(Optional::stream).toList());
  }

  private static void attach(Label label, List<MetricHelp.Entry> entries) {
    if (entries.isEmpty()) {
      label.setGraphic(null);
      return;
    }
    label.setGraphic(mark(entries));
    label.setContentDisplay(ContentDisplay.RIGHT);
    label.setGraphicTextGap(4);
  }

  /** A "?" whose tooltip explains {@code entries}. */
  public static Label mark(List<MetricHelp.Entry> entries) {
    Label mark = new Label("?");
    mark.getStyleClass().add(STYLE_CLASS);
    Tooltip tip =
        new Tooltip(String.join("\n\n", entries.stream().map(MetricHelp.Entry::text).toList()));
    tip.setWrapText(true);
    tip.setMaxWidth(460);
    tip.setShowDelay(Duration.millis(120));
    tip.setShowDuration(Duration.INDEFINITE);
    mark.setTooltip(tip);
    return mark;
  }

  /** Gives a table's metric-name column (text cells) a "?" per row. */
  @SuppressWarnings("unchecked")
  public static <S> void markNames(TableColumn<S, ?> column) {
    ((TableColumn<S, String>) column).setCellFactory(nameCells());
  }

  /** Cells for a table's metric-name column: the name with its "?". */
  public static <S> Callback<TableColumn<S, String>, TableCell<S, String>> nameCells() {
    return column ->
        new TableCell<>() {
          private String shown;

          @Override
          protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
              setText(null);
              setGraphic(null);
              shown = null;
              return;
            }
            setText(item);
            if (!Objects.equals(item, shown)) {
              shown = item;
              List<MetricHelp.Entry> e = MetricHelp.forLabel(item).stream().toList();
              setGraphic(e.isEmpty() ? null : mark(e));
              setContentDisplay(ContentDisplay.RIGHT);
              setGraphicTextGap(4);
            }
          }
        };
  }
}
