package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sinkscope.render.GifAnimation;
import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze --gif}: one frame per block, each the {@code --png} picture of that block. */
class AnalyzeGifTest {
  @TempDir Path tmp;

  @Test
  void oneFramePerBlockEachThePngOfThatBlock() throws Exception {
    Cli cli = Cli.offline(tmp);
    Path photo = Cli.PHOTOS.resolve("rocket.jpg");
    Path gif = tmp.resolve("emerge.gif");

    cli.run(
            "analyze",
            "--model",
            "phantom",
            "--image",
            photo,
            "--gif",
            gif,
            "--quantity",
            "attention-received",
            "--device",
            "cpu")
        .assertOk();

    List<Raster> frames = GifAnimation.read(gif);
    assertEquals(8, frames.size(), "the phantom has 8 blocks");
    assertEquals(new GifAnimation.Timing(700, true), GifAnimation.timing(gif));
    for (int block : new int[] {1, 4, 8}) {
      Path png = tmp.resolve("block" + block + ".png");
      cli.run(
              "analyze",
              "--model",
              "phantom",
              "--image",
              photo,
              "--png",
              png,
              "--layer",
              block,
              "--quantity",
              "attention-received",
              "--device",
              "cpu")
          .assertOk();
      Raster panel = PngExport.read(png);
      // at most 256 colours per GIF frame: compare after the same quantisation
      assertArrayEquals(
          GifAnimation.quantize(panel).toRaster().argb(),
          frames.get(block - 1).region(0, 0, panel.width(), panel.height()).argb(),
          "block " + block);
    }
  }

  @Test
  void aQuantityOverAllBlocksIsRefused() throws Exception {
    Cli.offline(tmp)
        .run(
            "analyze",
            "--model",
            "phantom",
            "--image",
            Cli.PHOTOS.resolve("rocket.jpg"),
            "--gif",
            tmp.resolve("r.gif"),
            "--quantity",
            "rollout",
            "--device",
            "cpu")
        .assertOneLineError("analyze", "--gif needs a quantity that changes from block to block");
  }
}
