package dev.sinkscope.inference.preprocess;

import dev.sinkscope.inference.work.HeavyWork;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, BMP and GIF (first frame) to 8-bit RGB the way Pillow's {@code
 * Image.open(path).convert("RGB")} sees them, with the JDK's ImageIO:
 *
 * <ul>
 *   <li>grayscale: R = G = B; palette: looked up; 1/2/4-bit samples scaled to 0..255
 *   <li>alpha: dropped without compositing (a transparent pixel keeps its stored colour)
 *   <li>16-bit samples: the high byte ({@code v >> 8}), as Pillow reads 16-bit RGB(A) PNGs; for
 *       16-bit grayscale Pillow clips to 0..255 instead ({@code I;16} to RGB), which turns almost
 *       any real image white, so here it differs on purpose
 *   <li>CMYK and YCCK JPEG: Pillow's arithmetic (the data read as inverted Adobe CMYK, then {@code
 *       R = (255 - K) - (C * (255 - K) / 255)} with Pillow's rounding), no colour management
 *   <li>embedded ICC profiles: ignored, as Pillow does
 *   <li>EXIF orientation: applied by default, see {@link ExifOrientationPolicy}
 * </ul>
 *
 * The declared size is read from the header and checked against {@link DecodeOptions#maxPixels()}
 * before any pixel memory is allocated. All failures are {@link ImageLoadException}s naming the
 * source. Instances hold no state besides their options and may be shared between threads.
 */
public final class ImageDecoder {

  /** Largest encoded file read into memory (1 GiB). */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private final DecodeOptions options;

  /** A decoder with {@link DecodeOptions#defaults()}. */
  public ImageDecoder() {
    this(DecodeOptions.defaults());
  }

  public ImageDecoder(DecodeOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options are required");
    }
    this.options = options;
  }

  public DecodeOptions options() {
    return options;
  }

  /** Decodes the image file at {@code file}; messages name the file. */
  public RgbImage decode(Path file) throws ImageLoadException {
    String name = file.toString();
    byte[] data;
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      // a pipe or device would block or never end; a folder cannot be read
      throw new ImageLoadException(name, "not a regular file");
    }
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ImageLoadException(
            name,
            "the file is "
                + size
                + " bytes, more than the "
                + MAX_FILE_BYTES
                + " bytes an image may have");
      }
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageLoadException(name, "no such file");
    } catch (IOException e) {
      throw new ImageLoadException(name, "the file cannot be read", e);
    }
    return decode(data, name);
  }

  /**
   * Decodes an image from a stream (clipboard, drag and drop); {@code sourceName} labels messages.
   */
  public RgbImage decode(InputStream in, String sourceName) throws ImageLoadException {
    byte[] data;
    try {
      data = in.readNBytes((int) Math.min(MAX_FILE_BYTES + 1, Integer.MAX_VALUE - 8));
    } catch (IOException e) {
      throw new ImageLoadException(sourceName, "the data cannot be read", e);
    }
    if (data.length > MAX_FILE_BYTES) {
      throw new ImageLoadException(
          sourceName, "the data is larger than " + MAX_FILE_BYTES + " bytes");
    }
    return decode(data, sourceName);
  }

  /** Decodes an encoded image held in memory; {@code sourceName} labels messages. */
  public RgbImage decode(byte[] data, String sourceName) throws ImageLoadException {
    HeavyWork.starts(HeavyWork.Kind.IMAGE_LOAD);
    if (data.length == 0) {
      throw new ImageLoadException(sourceName, "the file is empty (0 bytes)");
    }
    ImageContainers.Format format = ImageContainers.sniff(data);
    if (format == null) {
      throw new ImageLoadException(sourceName, unrecognisedMessage(data, sourceName));
    }
    ExifOrientation orientation = ImageContainers.exifOrientation(data, format);
    byte[] encoded =
        format == ImageContainers.Format.JPEG ? ImageContainers.withoutIccProfile(data) : data;
    BufferedImage image = read(encoded, format, sourceName);
    RgbImage rgb = toRgb(image, sourceName);
    if (options.exifOrientation() == ExifOrientationPolicy.APPLY) {
      rgb = orientation.apply(rgb);
    }
    return rgb;
  }

  private static String unrecognisedMessage(byte[] data, String sourceName) {
    String known = ImageContainers.unsupportedFormatName(data);
    if (known != null) {
      return "it is a " + known + " image; supported formats are PNG, JPEG, BMP and GIF";
    }
    String lower = sourceName.toLowerCase(Locale.ROOT);
    String claimed = null;
    for (String ext : new String[] {".png", ".jpg", ".jpeg", ".bmp", ".gif"}) {
      if (lower.endsWith(ext)) {
        claimed = ext;
      }
    }
    String suffix =
        claimed == null
            ? ""
            : " (the name ends in " + claimed + ", but the content does not match)";
    return "not a PNG, JPEG, BMP or GIF image" + suffix;
  }

  private BufferedImage read(byte[] encoded, ImageContainers.Format format, String sourceName)
      throws ImageLoadException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
    if (!readers.hasNext()) {
      throw new ImageLoadException(sourceName, "no ImageIO reader for " + format + " is installed");
    }
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
      long width = reader.getWidth(0);
      long height = reader.getHeight(0);
      if (width <= 0 || height <= 0) {
        throw new ImageLoadException(
            sourceName, "the header declares an empty image (" + width + " x " + height + ")");
      }
      if (width * height > options.maxPixels()) {
        throw new ImageLoadException(
            sourceName,
            "the header declares "
                + width
                + " x "
                + height
                + " = "
                + (width * height)
                + " pixels, more than the limit of "
                + options.maxPixels()
                + " pixels (a guard against decompression bombs; see DecodeOptions.maxPixels)");
      }
      BufferedImage image = reader.read(0);
      for (String w : warnings) {
        String lw = w.toLowerCase(Locale.ROOT);
        if (lw.contains("premature end") || lw.contains("truncated")) {
          throw new ImageLoadException(
              sourceName, "the " + format + " data is truncated (decoder: " + w + ")");
        }
      }
      return image;
    } catch (ImageLoadException e) {
      throw e;
    } catch (IOException e) {
      String what = hasCause(e, EOFException.class) ? "is truncated" : "is corrupt or truncated";
      if (e.getMessage() != null && e.getMessage().contains("Unsupported Image Type")) {
        what = "uses a colour encoding the JDK JPEG decoder does not support";
      }
      throw new ImageLoadException(sourceName, "the " + format + " data " + what, e);
    } catch (RuntimeException e) {
      // ImageIO's readers throw unchecked exceptions on some malformed input.
      throw new ImageLoadException(sourceName, "the " + format + " data is malformed", e);
    } finally {
      reader.dispose();
    }
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The decoded raster as 8-bit RGB, reading samples directly so no colour conversion happens. */
  static RgbImage toRgb(BufferedImage image, String sourceName) throws ImageLoadException {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel icm) {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int o = (y * w + x) * 3;
          out[o] = (byte) icm.getRed(row[x]);
          out[o + 1] = (byte) icm.getGreen(row[x]);
          out[o + 2] = (byte) icm.getBlue(row[x]);
        }
      }
      return RgbImage.wrap(w, h, out);
    }
    if (cm instanceof DirectColorModel && cm.getColorSpace().isCS_sRGB()) {
      // Packed pixels (BMP): ImageIO's own scaling of 5/6-bit fields to 8 bits; 8-bit fields are
      // exact.
      int[] argb = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, argb, 0, w);
        for (int x = 0; x < w; x++) {
          int o = (y * w + x) * 3;
          out[o] = (byte) (argb[x] >> 16);
          out[o + 1] = (byte) (argb[x] >> 8);
          out[o + 2] = (byte) argb[x];
        }
      }
      return RgbImage.wrap(w, h, out);
    }
    int colourSpace = cm.getColorSpace().getType();
    int bands = raster.getNumBands();
    if (colourSpace == ColorSpace.TYPE_GRAY && bands >= 1) {
      copyBands(raster, new int[] {0, 0, 0}, out);
    } else if (colourSpace == ColorSpace.TYPE_RGB && bands >= 3) {
      copyBands(raster, new int[] {0, 1, 2}, out);
    } else if (colourSpace == ColorSpace.TYPE_CMYK && bands == 4) {
      cmykToRgb(raster, out);
    } else {
      throw new ImageLoadException(
          sourceName,
          "unsupported colour model (" + bands + " bands, colour space type " + colourSpace + ")");
    }
    return RgbImage.wrap(w, h, out);
  }

  private static void copyBands(Raster raster, int[] sourceBand, byte[] out) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] row = new int[w];
    for (int c = 0; c < 3; c++) {
      int bits = raster.getSampleModel().getSampleSize(sourceBand[c]);
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, sourceBand[c], row);
        for (int x = 0; x < w; x++) {
          out[(y * w + x) * 3 + c] = (byte) to8Bit(row[x], bits);
        }
      }
    }
  }

  /**
   * A {@code bits}-bit sample as 0..255: high byte for wider samples, scaled up for narrower ones.
   */
  static int to8Bit(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    if (bits > 8) {
      return sample >>> (bits - 8);
    }
    return sample * 255 / ((1 << bits) - 1);
  }

  /**
   * Pillow reads every 4-channel JPEG as inverted ("Adobe") CMYK, with or without an Adobe marker,
   * and converts with {@code nk = 255 - K; R = nk - muldiv255(C, nk)}. ImageIO hands out the same
   * inverted CMYK (YCCK already turned into CMYK by libjpeg), so only the conversion is left.
   */
  private static void cmykToRgb(Raster raster, byte[] out) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] px = new int[w * 4];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, px);
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        int nk = 255 - px[x * 4 + 3];
        for (int c = 0; c < 3; c++) {
          out[o + c] = (byte) clip8(nk - mulDiv255(px[x * 4 + c], nk));
        }
      }
    }
  }

  /** {@code round(a * b / 255)} the way Pillow computes it in integers. */
  static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  private static int clip8(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
