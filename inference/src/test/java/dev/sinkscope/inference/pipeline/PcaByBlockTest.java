package dev.sinkscope.inference.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.analysis.PcaFeatures;
import dev.sinkscope.inference.analysis.PcaOptions;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-block PCA colours take the analysis's own last-block PCA only when it is the same fit.
 */
class PcaByBlockTest {
  private static final Path DIR = Path.of("..", "testdata", "fixtures", "dinov2-reg-hf");

  @Test
  void theLastBlockReusesTheAnalysisPcaOnlyWhenItIsTheSameFit() throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(DIR);
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(DIR.resolve("input.safetensors"))) {
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      ForwardResult result =
          new VitForward(model)
              .run(
                  pixels,
                  ForwardHooks.NONE,
                  CaptureOptions.DEFAULT,
                  CancellationToken.NONE,
                  ProgressListener.NONE);
      int last = result.blocks();

      AnalysisReport defaults = Analyzer.analyze(result, AnalysisOptions.defaults());
      List<PatchPca> reused =
          InspectionPipeline.pcaByBlock(result, defaults, CancellationToken.NONE);
      assertEquals(last, reused.size());
      assertSame(defaults.pca(), reused.get(last - 1));
      assertArrayEquals(
          InspectionPipeline.blockPca(result, last).rgb(), reused.get(last - 1).rgb());

      // the analysis coloured the final features: the strip still shows the last block's output
      AnalysisReport finalFeatures =
          Analyzer.analyze(
              result,
              AnalysisOptions.defaults()
                  .withPca(new PcaOptions(true, PcaFeatures.LAST_HIDDEN_STATE, 0, true, true)));
      List<PatchPca> refit =
          InspectionPipeline.pcaByBlock(result, finalFeatures, CancellationToken.NONE);
      assertNotNull(finalFeatures.pca());
      assertNotSame(finalFeatures.pca(), refit.get(last - 1));
      assertArrayEquals(InspectionPipeline.blockPca(result, last).rgb(), refit.get(last - 1).rgb());
    }
  }
}
