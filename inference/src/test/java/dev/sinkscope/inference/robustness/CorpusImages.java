package dev.sinkscope.inference.robustness;

import static dev.sinkscope.inference.robustness.Corpus.ascii;
import static dev.sinkscope.inference.robustness.Corpus.concat;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;

/** Encoded images for the robustness corpus, made with ImageIO and patched at the byte level. */
final class CorpusImages {
  private CorpusImages() {}

  static BufferedImage filled(int width, int height, int type, int rgb) {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  /** Random colours: compresses badly, so cutting the file cuts into the pixel data. */
  static BufferedImage noise(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(11);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException(
            "no " + format + " writer for image type " + image.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** 16-bit RGB, every pixel {@code (r, g, b)} given as 16-bit samples. */
  static BufferedImage rgb16(int width, int height, int r, int g, int b) {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, new int[] {r, g, b});
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  /** A 4-colour palette image, every pixel palette entry 2 (pure blue). */
  static BufferedImage palette(int width, int height) {
    byte[] r = {0, (byte) 255, 0, 0};
    byte[] g = {0, 0, (byte) 255, 0};
    byte[] b = {0, 0, 0, (byte) 255};
    IndexColorModel icm = new IndexColorModel(2, 4, r, g, b);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, icm);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, 3);
      }
    }
    return image;
  }

  /**
   * A 4-channel JPEG of stored samples {@code (c0, c1, c2, c3)}, with an Adobe marker of {@code
   * transform} or none (-1).
   */
  static byte[] fourChannelJpeg(int c0, int c1, int c2, int c3, int transform) {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        raster.setPixel(x, y, new int[] {c0, c1, c2, c3});
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(1.0f);
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(raster, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = out.toByteArray();
    if (transform < 0) {
      return jpeg;
    }
    byte[] adobe =
        segment(0xEE, new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform});
    return concat(
        java.util.Arrays.copyOf(jpeg, 2),
        adobe,
        java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
  }

  private static byte[] segment(int marker, byte[] payload) {
    int length = payload.length + 2;
    return concat(
        new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload);
  }

  /**
   * {@code frames} 8x8 frames, frame {@code i} filled with grey level {@code i % 256}; frame 0 is
   * red.
   */
  static byte[] animatedGif(int frames) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.prepareWriteSequence(null);
      for (int i = 0; i < frames; i++) {
        BufferedImage frame =
            filled(8, 8, BufferedImage.TYPE_INT_RGB, i == 0 ? 0xFF0000 : (i % 256) * 0x010101);
        IIOMetadata meta =
            writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
        writer.writeToSequence(new IIOImage(frame, null, meta), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A PNG that declares {@code width x height} RGB pixels and carries no image data. */
  static byte[] pngHeaderOnly(int width, int height) {
    byte[] ihdr =
        ByteBuffer.allocate(13)
            .putInt(width)
            .putInt(height)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0)
            .array();
    return concat(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
        pngChunk("IHDR", ihdr),
        pngChunk("IEND", new byte[0]));
  }

  static byte[] pngChunk(String type, byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(ascii(type));
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length)
        .putInt(data.length)
        .put(ascii(type))
        .put(data)
        .putInt((int) crc.getValue())
        .array();
  }

  /** {@code jpeg} with the size in its first SOF0/SOF2 frame header replaced. */
  static byte[] jpegDeclaring(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    for (int i = 2; i + 8 < out.length; i++) {
      int marker = out[i + 1] & 0xFF;
      if ((out[i] & 0xFF) == 0xFF && (marker == 0xC0 || marker == 0xC2)) {
        ByteBuffer.wrap(out, i + 5, 4).putShort((short) height).putShort((short) width);
        return out;
      }
    }
    throw new IllegalArgumentException("no SOF0/SOF2 marker");
  }

  /** {@code bmp} with the size in its BITMAPINFOHEADER replaced. */
  static byte[] bmpDeclaring(byte[] bmp, int width, int height) {
    byte[] out = bmp.clone();
    ByteBuffer.wrap(out, 18, 8).order(ByteOrder.LITTLE_ENDIAN).putInt(width).putInt(height);
    return out;
  }

  /** A GIF whose screen and only frame declare {@code width x height}, with a one-pixel body. */
  static byte[] gifDeclaring(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("GIF89a"))
        .putShort((short) width)
        .putShort((short) height)
        .put((byte) 0x80)
        .put((byte) 0)
        .put((byte) 0) // global colour table of 2 entries
        .put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255})
        .put((byte) 0x2C)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) width)
        .putShort((short) height)
        .put((byte) 0)
        .put((byte) 2)
        .put((byte) 2)
        .put((byte) 0x44)
        .put((byte) 0x01)
        .put((byte) 0) // LZW: clear, 0, end
        .put((byte) 0x3B);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }
}
