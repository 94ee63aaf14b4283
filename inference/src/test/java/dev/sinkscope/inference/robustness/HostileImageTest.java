package dev.sinkscope.inference.robustness;

import static dev.sinkscope.inference.robustness.Corpus.ascii;
import static dev.sinkscope.inference.robustness.Corpus.assertNames;
import static dev.sinkscope.inference.robustness.Corpus.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.preprocess.ImageDecoder;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.preprocess.Preprocessed;
import dev.sinkscope.inference.preprocess.RgbImage;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken, hostile and merely unusual image files, through the path the app takes: decode, then
 * preprocess for a model (DINOv2: shortest edge 256, centre crop 224). Broken and hostile files are
 * refused with an {@link ImageLoadException} naming the file and the cause, quickly and without
 * allocating the pixels they declare; unusual ones decode and give a valid {@code [1, 3, 224,
 * 224]}.
 */
class HostileImageTest {
  /**
   * Stops a refusal that hangs or decodes a bomb; not a speed goal (a busy machine must not fail
   * it). What is refused early is shown by the message and, where measured, the bytes allocated.
   */
  static final Duration HANG_GUARD = Duration.ofSeconds(60);

  /** Writes the case's file (or other file-system object) at the given path. */
  @FunctionalInterface
  interface Maker {
    void make(Path file) throws Exception;
  }

  record Refused(String fileName, Maker maker, String... keywords) {}

  /**
   * @param rgb expected colour of the centre pixel, compared within {@code tolerance} per channel
   */
  record Decodes(String fileName, byte[] content, int width, int height, int rgb, int tolerance) {}

  /**
   * No refusal may allocate anywhere near the pixels a bomb declares (30000 x 30000 RGB is 2.7 GB).
   */
  private static final long ALLOCATION_LIMIT = 64L << 20;

  private static PreprocessPipeline pipeline;

  @BeforeAll
  static void dinov2Preprocessing() throws Exception {
    pipeline = PreprocessPipeline.forModelFolder(Corpus.FIXTURES.resolve("dinov2-hf"));
  }

  private static Maker bytes(byte[] content) {
    return file -> Files.write(file, content);
  }

  private static Named<Refused> refused(
      String name, String fileName, Maker maker, String... keywords) {
    return Named.of(name, new Refused(fileName, maker, keywords));
  }

  static Stream<Named<Refused>> refusals() throws Exception {
    byte[] png = CorpusImages.encode(CorpusImages.noise(128, 128), "png");
    byte[] jpeg = CorpusImages.encode(CorpusImages.noise(128, 128), "jpeg");
    byte[] bmp =
        CorpusImages.encode(
            CorpusImages.filled(4, 4, BufferedImage.TYPE_3BYTE_BGR, 0x336699), "bmp");
    List<Named<Refused>> cases = new ArrayList<>();
    cases.add(
        refused(
            "truncated PNG", "cut.png", bytes(Arrays.copyOf(png, png.length / 2)), "truncated"));
    cases.add(
        refused(
            "truncated JPEG",
            "cut.jpg",
            bytes(Arrays.copyOf(jpeg, jpeg.length * 6 / 10)),
            "truncated"));
    cases.add(
        refused("PNG cut inside its header", "stub.png", bytes(Arrays.copyOf(png, 20)), "PNG"));
    cases.add(
        refused(
            "JPEG with nothing between start and end markers",
            "hollow.jpg",
            bytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}),
            "JPEG"));
    cases.add(
        refused(
            "0 x 0 PNG", "empty-size.png", bytes(CorpusImages.pngHeaderOnly(0, 0)), "width <= 0"));
    cases.add(
        refused(
            "PNG declaring 30000 x 30000 (decompression bomb)",
            "bomb.png",
            bytes(CorpusImages.pngHeaderOnly(30000, 30000)),
            "30000 x 30000",
            "limit"));
    cases.add(
        refused(
            "PNG declaring 2^31-1 x 2^31-1",
            "huge.png",
            bytes(CorpusImages.pngHeaderOnly(Integer.MAX_VALUE, Integer.MAX_VALUE)),
            "limit"));
    cases.add(
        refused(
            "JPEG declaring 65500 x 65500",
            "bomb.jpg",
            bytes(CorpusImages.jpegDeclaring(jpeg, 65500, 65500)),
            "65500 x 65500",
            "limit"));
    cases.add(
        refused(
            "BMP declaring 100000 x 100000",
            "bomb.bmp",
            bytes(CorpusImages.bmpDeclaring(bmp, 100_000, 100_000)),
            "width/height"));
    cases.add(
        refused(
            "GIF declaring 65535 x 65535",
            "bomb.gif",
            bytes(CorpusImages.gifDeclaring(65535, 65535)),
            "65535 x 65535",
            "limit"));
    cases.add(
        refused(
            "text file named .jpg",
            "notes.jpg",
            bytes(ascii("These are my notes, not a photo.\n")),
            "not a PNG, JPEG",
            ".jpg"));
    cases.add(refused("empty file", "empty.png", bytes(new byte[0]), "empty"));
    cases.add(
        refused(
            "PNG signature followed by garbage",
            "garbage.png",
            bytes(concat(Arrays.copyOf(png, 8), new byte[500])),
            "PNG"));
    cases.add(
        refused(
            "WebP named .png",
            "photo.png",
            bytes(concat(ascii("RIFF"), new byte[4], ascii("WEBPVP8 "), new byte[20])),
            "WebP"));
    cases.add(
        refused(
            "TIFF named .jpg",
            "scan.jpg",
            bytes(concat(new byte[] {'I', 'I', 42, 0}, new byte[64])),
            "TIFF"));
    cases.add(
        refused("folder named .png", "folder.png", Files::createDirectory, "not a regular file"));
    cases.add(
        refused(
            "named pipe named .png (a reader would block)",
            "pipe.png",
            file -> Assumptions.assumeTrue(Corpus.mkfifo(file), "mkfifo is available"),
            "not a regular file"));
    cases.add(refused("missing file", "gone.png", file -> {}, "no such file"));
    cases.add(
        refused(
            "20000 x 1 image (resizing would need 1.3 gigapixels)",
            "line.png",
            bytes(
                CorpusImages.encode(
                    CorpusImages.filled(20_000, 1, BufferedImage.TYPE_3BYTE_BGR, 0x808080), "png")),
            "pixels",
            "20000 x 1"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void isRefusedQuicklyNamingTheFileAndTheCause(Refused c, @TempDir Path dir) throws Exception {
    Path file = dir.resolve(c.fileName());
    c.maker().make(file);

    long[] allocated = new long[1];
    ImageLoadException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> {
              long before = threadAllocatedBytes();
              ImageLoadException thrown =
                  assertThrows(ImageLoadException.class, () -> pipeline.process(file));
              allocated[0] = threadAllocatedBytes() - before;
              return thrown;
            });

    assertNames(e.getMessage(), file, c.keywords());
    assertTrue(
        allocated[0] < ALLOCATION_LIMIT, "allocated " + allocated[0] + " bytes to refuse it");
  }

  private static Named<Decodes> decodes(
      String name, String fileName, byte[] content, int width, int height, int rgb, int tolerance) {
    return Named.of(name, new Decodes(fileName, content, width, height, rgb, tolerance));
  }

  static Stream<Named<Decodes>> unusual() throws Exception {
    BufferedImage gray16 = new BufferedImage(12, 10, BufferedImage.TYPE_USHORT_GRAY);
    BufferedImage gray8 = new BufferedImage(12, 10, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 12; x++) {
        gray16.getRaster().setSample(x, y, 0, 0x8000);
        gray8.getRaster().setSample(x, y, 0, 0x40);
      }
    }
    List<Named<Decodes>> cases = new ArrayList<>();
    // Stored (255, 0, 255, 255) read as inverted CMYK is C=0, M=255, Y=0, K=0: magenta, as Pillow
    // sees it.
    cases.add(
        decodes(
            "CMYK JPEG with Adobe marker",
            "cmyk.jpg",
            CorpusImages.fourChannelJpeg(255, 0, 255, 255, 0),
            16,
            16,
            0xFF00FF,
            3));
    cases.add(
        decodes(
            "CMYK JPEG without Adobe marker",
            "cmyk-plain.jpg",
            CorpusImages.fourChannelJpeg(255, 0, 255, 255, -1),
            16,
            16,
            0xFF00FF,
            3));
    cases.add(
        decodes(
            "YCCK JPEG",
            "ycck.jpg",
            CorpusImages.fourChannelJpeg(128, 128, 128, 255, 2),
            16,
            16,
            0x7F7F7F,
            3));
    cases.add(
        decodes(
            "16-bit grayscale PNG",
            "gray16.png",
            CorpusImages.encode(gray16, "png"),
            12,
            10,
            0x808080,
            0));
    cases.add(
        decodes(
            "16-bit RGB PNG",
            "rgb16.png",
            CorpusImages.encode(CorpusImages.rgb16(12, 10, 0xFF00, 0x8000, 0x0100), "png"),
            12,
            10,
            0xFF8001,
            0));
    cases.add(
        decodes(
            "palette PNG",
            "palette.png",
            CorpusImages.encode(CorpusImages.palette(12, 10), "png"),
            12,
            10,
            0x0000FF,
            0));
    cases.add(
        decodes(
            "grayscale PNG", "gray.png", CorpusImages.encode(gray8, "png"), 12, 10, 0x404040, 0));
    cases.add(
        decodes(
            "RGBA PNG (alpha dropped, not composited)",
            "alpha.png",
            CorpusImages.encode(
                CorpusImages.filled(12, 10, BufferedImage.TYPE_INT_ARGB, 0x20FF8000), "png"),
            12,
            10,
            0xFF8000,
            0));
    cases.add(
        decodes(
            "1-bit PNG",
            "bw.png",
            CorpusImages.encode(
                CorpusImages.filled(12, 10, BufferedImage.TYPE_BYTE_BINARY, 0xFFFFFF), "png"),
            12,
            10,
            0xFFFFFF,
            0));
    cases.add(
        decodes(
            "1 x 1 PNG",
            "dot.png",
            CorpusImages.encode(
                CorpusImages.filled(1, 1, BufferedImage.TYPE_3BYTE_BGR, 0xC03010), "png"),
            1,
            1,
            0xC03010,
            0));
    cases.add(
        decodes(
            "1 x 1 JPEG",
            "dot.jpg",
            CorpusImages.encode(
                CorpusImages.filled(1, 1, BufferedImage.TYPE_3BYTE_BGR, 0x808080), "jpeg"),
            1,
            1,
            0x808080,
            4));
    cases.add(
        decodes(
            "1 x 300 PNG (tall sliver; its resize stays within the limit)",
            "sliver.png",
            CorpusImages.encode(
                CorpusImages.filled(1, 300, BufferedImage.TYPE_3BYTE_BGR, 0x204060), "png"),
            1,
            300,
            0x204060,
            0));
    cases.add(
        decodes(
            "BMP",
            "plain.bmp",
            CorpusImages.encode(
                CorpusImages.filled(12, 10, BufferedImage.TYPE_3BYTE_BGR, 0x336699), "bmp"),
            12,
            10,
            0x336699,
            0));
    cases.add(
        decodes(
            "GIF with 1000 frames (first frame only)",
            "animated.gif",
            CorpusImages.animatedGif(1000),
            8,
            8,
            0xFF0000,
            0));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusual")
  void decodesAndPreprocessesToAValidTensor(Decodes c, @TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve(c.fileName()), c.content());

    RgbImage image = assertTimeoutPreemptively(HANG_GUARD, () -> new ImageDecoder().decode(file));
    assertEquals(c.width(), image.width());
    assertEquals(c.height(), image.height());
    int centre = image.rgbAt(c.width() / 2, c.height() / 2);
    for (int shift = 0; shift <= 16; shift += 8) {
      int want = (c.rgb() >> shift) & 0xFF;
      int got = (centre >> shift) & 0xFF;
      assertTrue(
          Math.abs(want - got) <= c.tolerance(),
          String.format("centre pixel %06X, expected %06X +- %d", centre, c.rgb(), c.tolerance()));
    }

    Preprocessed p = assertTimeoutPreemptively(HANG_GUARD, () -> pipeline.process(file));
    assertArrayEquals(new int[] {1, 3, 224, 224}, p.pixelValues().shape());
    for (float v : p.pixelValues().data()) {
      assertTrue(Float.isFinite(v), "pixel values are finite");
    }
  }

  private static long threadAllocatedBytes() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (bean instanceof com.sun.management.ThreadMXBean sun
        && sun.isThreadAllocatedMemorySupported()) {
      return sun.getCurrentThreadAllocatedBytes();
    }
    return 0;
  }
}
