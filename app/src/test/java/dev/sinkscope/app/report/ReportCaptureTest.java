package dev.sinkscope.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sinkscope.inference.pipeline.CaptureChoice;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The report's passes keep attention as its opener says ({@code report --capture}). */
class ReportCaptureTest {
  private static final Path MODEL = Path.of("..", "testdata", "fixtures", "dinov2-hf");

  @Test
  void theReportsPipelineTakesTheOpenersCaptureChoice() throws Exception {
    for (CaptureChoice choice : CaptureChoice.values()) {
      SessionReport.ModelOpener opener =
          new SessionReport.ModelOpener() {
            @Override
            public ModelSession open(Path folder)
                throws dev.sinkscope.inference.model.ModelLoadException {
              return ModelSession.open(folder, "cpu");
            }

            @Override
            public CaptureChoice capture() {
              return choice;
            }
          };
      InspectionPipeline pipeline = SessionReport.pipelineFor(opener, MODEL);
      try (ModelSession session = pipeline.session()) {
        assertEquals(choice, pipeline.capture());
      }
    }
    SessionReport.ModelOpener plain = folder -> ModelSession.open(folder, "cpu");
    InspectionPipeline pipeline = SessionReport.pipelineFor(plain, MODEL);
    try (ModelSession session = pipeline.session()) {
      assertEquals(CaptureChoice.AUTO, pipeline.capture(), "the window's opener keeps AUTO");
    }
  }
}
