package dev.sinkscope.inference.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  /**
   * Stops a refusal that hangs or decodes a bomb; not a speed goal (a busy machine must not fail
   * it). What is refused early is shown by the message and, where measured, the bytes allocated.
   */
  static final Duration HANG_GUARD = Duration.ofSeconds(60);

  private final ImageDecoder decoder = new ImageDecoder();

  @TempDir Path dir;

  private static int[] pixels(RgbImage image) {
    int[] out = new int[image.width() * image.height()];
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        out[y * image.width() + x] = image.rgbAt(x, y);
      }
    }
    return out;
  }

  private static void assertColourNear(int expectedRgb, int actualRgb, int tolerance) {
    for (int shift = 16; shift >= 0; shift -= 8) {
      int e = expectedRgb >> shift & 0xFF;
      int a = actualRgb >> shift & 0xFF;
      assertTrue(
          Math.abs(e - a) <= tolerance,
          String.format("expected #%06X within %d, got #%06X", expectedRgb, tolerance, actualRgb));
    }
  }

  private static int pngColourType(byte[] png) {
    return png[25];
  }

  private static int pngBitDepth(byte[] png) {
    return png[24];
  }

  @Test
  void grayscalePngBecomesEqualChannelsWithoutGammaConversion() throws Exception {
    BufferedImage gray = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 1, 128, 255});
    byte[] png = TestImages.encode(gray, "png");
    assertEquals(0, pngColourType(png));

    RgbImage rgb = decoder.decode(png, "gray.png");

    assertArrayEquals(new int[] {0x000000, 0x010101, 0x808080, 0xFFFFFF}, pixels(rgb));
  }

  @Test
  void grayAlphaPngDropsAlpha() throws Exception {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    raster.setPixels(0, 0, 2, 1, new int[] {90, 0, 200, 255});
    byte[] png = TestImages.encode(new BufferedImage(cm, raster, false, null), "png");
    assertEquals(4, pngColourType(png));

    assertArrayEquals(
        new int[] {0x5A5A5A, 0xC8C8C8}, pixels(decoder.decode(png, "gray-alpha.png")));
  }

  @Test
  void rgbaPngDropsAlphaWithoutCompositing() throws Exception {
    BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_4BYTE_ABGR);
    rgba.getRaster()
        .setPixels(0, 0, 3, 1, new int[] {200, 100, 50, 0, 10, 20, 30, 128, 1, 2, 3, 255});
    byte[] png = TestImages.encode(rgba, "png");
    assertEquals(6, pngColourType(png));

    // A fully transparent pixel keeps its stored colour, as PIL's convert("RGB") does.
    assertArrayEquals(
        new int[] {0xC86432, 0x0A141E, 0x010203}, pixels(decoder.decode(png, "rgba.png")));
  }

  @Test
  void palettePngIsLookedUpIncludingTheTransparentEntry() throws Exception {
    byte[] r = {(byte) 255, 0, 0, 12};
    byte[] g = {0, (byte) 255, 0, 34};
    byte[] b = {0, 0, (byte) 255, 56};
    IndexColorModel palette = new IndexColorModel(2, 4, r, g, b, 3);
    BufferedImage indexed = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
    indexed.getRaster().setPixels(0, 0, 4, 1, new int[] {3, 2, 1, 0});
    byte[] png = TestImages.encode(indexed, "png");
    assertEquals(3, pngColourType(png));

    assertArrayEquals(
        new int[] {0x0C2238, 0x0000FF, 0x00FF00, 0xFF0000},
        pixels(decoder.decode(png, "palette.png")));
  }

  @Test
  void sixteenBitGrayPngKeepsTheHighByte() throws Exception {
    BufferedImage gray16 = new BufferedImage(5, 1, BufferedImage.TYPE_USHORT_GRAY);
    // 0x64FF would round to 101 if scaled (25855 * 255 / 65535 = 100.6); the high byte is 100.
    gray16.getRaster().setPixels(0, 0, 5, 1, new int[] {0, 0x6400, 0x64FF, 0xFFFF, 0x00FF});
    byte[] png = TestImages.encode(gray16, "png");
    assertEquals(16, pngBitDepth(png));

    assertArrayEquals(
        new int[] {0x000000, 0x646464, 0x646464, 0xFFFFFF, 0x000000},
        pixels(decoder.decode(png, "gray16.png")));
  }

  @Test
  void sixteenBitRgbPngKeepsTheHighByteAsPillowDoes() throws Exception {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    raster.setPixels(0, 0, 2, 1, new int[] {0xFF00, 0x80FF, 0x0001, 0x1234, 0xABCD, 0xFFFF});
    byte[] png = TestImages.encode(new BufferedImage(cm, raster, false, null), "png");
    assertEquals(16, pngBitDepth(png));
    assertEquals(2, pngColourType(png));

    assertArrayEquals(new int[] {0xFF8000, 0x12ABFF}, pixels(decoder.decode(png, "rgb16.png")));
  }

  @Test
  void bmpAndGifDecodeExactly() throws Exception {
    BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
    rgb.getRaster().setPixels(0, 0, 2, 2, new int[] {1, 2, 3, 250, 128, 0, 0, 0, 0, 255, 255, 255});
    assertArrayEquals(
        new int[] {0x010203, 0xFA8000, 0x000000, 0xFFFFFF},
        pixels(decoder.decode(TestImages.encode(rgb, "bmp"), "rgb.bmp")));

    // A full 256-entry palette, so both writers store 8-bit indices.
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    r[0] = 10;
    g[0] = 20;
    b[0] = 30;
    r[255] = (byte) 200;
    g[255] = 100;
    BufferedImage indexed =
        new BufferedImage(
            3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
    indexed.getRaster().setPixels(0, 0, 3, 1, new int[] {255, 0, 255});
    int[] expected = {0xC86400, 0x0A141E, 0xC86400};
    assertArrayEquals(
        expected, pixels(decoder.decode(TestImages.encode(indexed, "gif"), "palette.gif")));
    assertArrayEquals(
        expected, pixels(decoder.decode(TestImages.encode(indexed, "bmp"), "palette.bmp")));
  }

  @Test
  void rgbAndGrayJpegsDecodeToTheirColours() throws Exception {
    BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        rgb.getRaster().setPixel(x, y, new int[] {30, 160, 220});
      }
    }
    RgbImage decodedRgb = decoder.decode(TestImages.encode(rgb, "jpeg"), "flat.jpg");
    assertColourNear(0x1EA0DC, decodedRgb.rgbAt(8, 8), 2);

    BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    int[] level = new int[256];
    Arrays.fill(level, 77);
    gray.getRaster().setPixels(0, 0, 16, 16, level);
    RgbImage decodedGray = decoder.decode(TestImages.encode(gray, "jpeg"), "gray.jpg");
    int p = decodedGray.rgbAt(5, 5);
    assertEquals(p >> 16 & 0xFF, p & 0xFF, "R = B");
    assertEquals(p >> 8 & 0xFF, p & 0xFF, "G = B");
    assertColourNear(0x4D4D4D, p, 1);
  }

  /** A 16 x 16 four-channel raster filled with {@code stored}, the values written to the JPEG. */
  private static byte[] flatFourChannelJpeg(int... stored) {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        raster.setPixel(x, y, stored);
      }
    }
    return TestImages.jpegOfRaster(raster);
  }

  @Test
  void cmykJpegFollowsPillowWithAndWithoutAdobeMarker() throws Exception {
    // Pillow reads every 4-channel JPEG as inverted CMYK, marker or not: stored (255, 0, 255, 255)
    // is
    // C=0, M=255, Y=0, K=0, i.e. magenta; read as plain CMYK it would be green.
    byte[] plain = flatFourChannelJpeg(255, 0, 255, 255);
    byte[] adobe = TestImages.insertAfterSoi(plain, TestImages.adobeSegment(0));

    assertColourNear(0xFF00FF, decoder.decode(plain, "cmyk.jpg").rgbAt(8, 8), 2);
    assertColourNear(0xFF00FF, decoder.decode(adobe, "adobe-cmyk.jpg").rgbAt(8, 8), 2);
  }

  @Test
  void ycckJpegIsConvertedThroughCmyk() throws Exception {
    // Stored Y=Cb=Cr=128 is RGB 128, i.e. C=M=Y=127 after libjpeg's YCC->CMY (255 - RGB); stored
    // K=255.
    // Pillow inverts: C=M=Y=128, K=0, then R = 255 - round(128 * 255 / 255) = 127.
    byte[] ycck =
        TestImages.insertAfterSoi(
            flatFourChannelJpeg(128, 128, 128, 255), TestImages.adobeSegment(2));

    assertColourNear(0x7F7F7F, decoder.decode(ycck, "ycck.jpg").rgbAt(8, 8), 2);
  }

  @Test
  void embeddedIccProfileIsIgnoredAsPillowDoes() throws Exception {
    BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        rgb.getRaster().setPixel(x, y, new int[] {100, 150, 50});
      }
    }
    byte[] plain = TestImages.encode(rgb, "jpeg");
    byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    byte[] iccPayload =
        TestImages.concat(
            "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1), new byte[] {1, 1}, profile);
    byte[] tagged = TestImages.insertAfterSoi(plain, TestImages.jpegSegment(0xE2, iccPayload));

    // ImageIO on its own would convert linear RGB (100, 150, 50) to sRGB, about (168, 202, 122).
    assertEquals(decoder.decode(plain, "plain.jpg"), decoder.decode(tagged, "with-profile.jpg"));
  }

  /** 3 x 2 image: row 0 = A B C, row 1 = D E F. */
  private static final int A = 0x100000;

  private static final int B = 0x200000;
  private static final int C = 0x300000;
  private static final int D = 0x400000;
  private static final int E = 0x500000;
  private static final int F = 0x600000;

  private static byte[] threeByTwoPng() {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
    int[] colours = {A, B, C, D, E, F};
    for (int i = 0; i < 6; i++) {
      image.getRaster().setPixel(i % 3, i / 3, new int[] {colours[i] >> 16, 0, 0});
    }
    return TestImages.encode(image, "png");
  }

  @Test
  void pngExifOrientationIsAppliedByDefaultAndCanBeIgnored() throws Exception {
    byte[] png =
        TestImages.insertPngChunk(threeByTwoPng(), "eXIf", TestImages.tiffWithOrientation(6, true));

    RgbImage upright = decoder.decode(png, "rotated.png");
    RgbImage stored =
        new ImageDecoder(DecodeOptions.defaults().withExifOrientation(ExifOrientationPolicy.IGNORE))
            .decode(png, "rotated.png");

    // Orientation 6: a quarter turn clockwise makes it upright.
    assertEquals(2, upright.width());
    assertEquals(3, upright.height());
    assertArrayEquals(new int[] {D, A, E, B, F, C}, pixels(upright));
    assertArrayEquals(new int[] {A, B, C, D, E, F}, pixels(stored));
  }

  @Test
  void jpegExifOrientationIsApplied() throws Exception {
    BufferedImage image = new BufferedImage(32, 16, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 32; x++) {
        image.getRaster().setPixel(x, y, x < 16 ? new int[] {255, 0, 0} : new int[] {0, 0, 255});
      }
    }
    byte[] jpeg =
        TestImages.insertAfterSoi(
            TestImages.encode(image, "jpeg"),
            TestImages.exifSegment(TestImages.tiffWithOrientation(8, false)));

    RgbImage upright = decoder.decode(jpeg, "phone.jpg");

    // Orientation 8: a quarter turn counter-clockwise; the blue right half ends up on top.
    assertEquals(16, upright.width());
    assertEquals(32, upright.height());
    assertColourNear(0x0000FF, upright.rgbAt(8, 8), 3);
    assertColourNear(0xFF0000, upright.rgbAt(8, 24), 3);
  }

  @Test
  void declaredSizeAboveTheLimitIsRefusedBeforeDecoding() {
    byte[] bomb = TestImages.pngHeaderOnly(30000, 30000);

    ImageLoadException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> assertThrows(ImageLoadException.class, () -> decoder.decode(bomb, "bomb.png")));

    assertTrue(e.getMessage().contains("bomb.png"), e.getMessage());
    assertTrue(e.getMessage().contains("30000 x 30000"), e.getMessage());
    assertTrue(
        e.getMessage().contains(Long.toString(DecodeOptions.DEFAULT_MAX_PIXELS)), e.getMessage());
  }

  @Test
  void pixelLimitIsConfigurable() throws Exception {
    byte[] png = TestImages.encode(new BufferedImage(20, 10, BufferedImage.TYPE_3BYTE_BGR), "png");

    ImageLoadException e =
        assertThrows(
            ImageLoadException.class,
            () ->
                new ImageDecoder(DecodeOptions.defaults().withMaxPixels(199))
                    .decode(png, "small.png"));
    assertTrue(e.getMessage().contains("limit of 199 pixels"), e.getMessage());
    assertEquals(
        20,
        new ImageDecoder(DecodeOptions.defaults().withMaxPixels(200))
            .decode(png, "small.png")
            .width());
  }

  private ImageLoadException failure(String fileName, byte[] content) throws Exception {
    Path file = dir.resolve(fileName);
    Files.write(file, content);
    ImageLoadException e = assertThrows(ImageLoadException.class, () -> decoder.decode(file));
    assertTrue(
        e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
    return e;
  }

  @Test
  void truncatedPngIsReportedAsTruncated() throws Exception {
    byte[] coffee = Files.readAllBytes(TestResources.coffee());
    ImageLoadException e = failure("cut.png", Arrays.copyOf(coffee, coffee.length / 2));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedJpegIsReportedAsTruncated() throws Exception {
    BufferedImage image = new BufferedImage(128, 128, BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(7);
    for (int y = 0; y < 128; y++) {
      for (int x = 0; x < 128; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    byte[] jpeg = TestImages.encode(image, "jpeg");
    ImageLoadException e = failure("cut.jpg", Arrays.copyOf(jpeg, jpeg.length * 6 / 10));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void emptyFileIsReportedAsEmpty() throws Exception {
    ImageLoadException e = failure("empty.png", new byte[0]);
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void textFileNamedPngIsReportedAsNotAnImage() throws Exception {
    ImageLoadException e =
        failure("notes.png", "just some text\n".getBytes(StandardCharsets.UTF_8));
    assertTrue(e.getMessage().contains("not a PNG, JPEG, BMP or GIF image"), e.getMessage());
    assertTrue(e.getMessage().contains("ends in .png"), e.getMessage());
  }

  @Test
  void knownUnsupportedFormatIsNamed() throws Exception {
    byte[] webp =
        TestImages.concat(
            "RIFF".getBytes(StandardCharsets.ISO_8859_1),
            new byte[4],
            "WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1),
            new byte[16]);
    ImageLoadException e = failure("photo.webp", webp);
    assertTrue(e.getMessage().contains("WebP"), e.getMessage());
  }

  @Test
  void missingFileIsReported() {
    Path missing = dir.resolve("nowhere.png");
    ImageLoadException e = assertThrows(ImageLoadException.class, () -> decoder.decode(missing));
    assertTrue(
        e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"),
        e.getMessage());
  }

  @Test
  void streamsDecodeLikeFilesAndErrorsUseTheGivenName() throws Exception {
    byte[] coffee = Files.readAllBytes(TestResources.coffee());
    assertEquals(
        decoder.decode(TestResources.coffee()),
        decoder.decode(new ByteArrayInputStream(coffee), "clipboard image"));

    ImageLoadException e =
        assertThrows(
            ImageLoadException.class,
            () -> decoder.decode(new ByteArrayInputStream(new byte[] {1, 2, 3}), "dropped item"));
    assertTrue(e.getMessage().contains("'dropped item'"), e.getMessage());
  }
}
