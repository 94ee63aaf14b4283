package dev.sinkscope.inference.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Builds encoded test images with ImageIO and splices container segments into them. */
final class TestImages {

  private TestImages() {}

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (format.equals("jpeg")) {
        writeJpeg(new IIOImage(image, null, null), out);
      } else if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException(
            "no " + format + " writer for image type " + image.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A JPEG of a raw raster (the JDK writes 4 bands as stored CMYK, with no Adobe marker). */
  static byte[] jpegOfRaster(Raster raster) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeJpeg(new IIOImage(raster, null, null), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeJpeg(IIOImage image, ByteArrayOutputStream out) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(1.0f);
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, image, param);
    } finally {
      writer.dispose();
    }
  }

  /** A JPEG marker segment: FF marker, 2-byte length, payload. */
  static byte[] jpegSegment(int marker, byte[] payload) {
    int length = payload.length + 2;
    byte[] seg = new byte[payload.length + 4];
    seg[0] = (byte) 0xFF;
    seg[1] = (byte) marker;
    seg[2] = (byte) (length >> 8);
    seg[3] = (byte) length;
    System.arraycopy(payload, 0, seg, 4, payload.length);
    return seg;
  }

  /** {@code segment} inserted right after the JPEG's SOI marker. */
  static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
    return splice(jpeg, 2, segment);
  }

  /** An Adobe APP14 segment with colour {@code transform} (0 = CMYK/RGB, 1 = YCbCr, 2 = YCCK). */
  static byte[] adobeSegment(int transform) {
    byte[] payload = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    return jpegSegment(0xEE, payload);
  }

  /** An APP1 Exif segment holding {@code tiff}. */
  static byte[] exifSegment(byte[] tiff) {
    return jpegSegment(0xE1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff));
  }

  /** A minimal TIFF structure whose IFD0 holds only the orientation tag. */
  static byte[] tiffWithOrientation(int orientation, boolean littleEndian) {
    ByteBuffer b =
        ByteBuffer.allocate(26)
            .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    b.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
    b.putShort((short) 42).putInt(8); // magic, offset of IFD0
    b.putShort((short) 1); // one entry
    b.putShort((short) 0x0112)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) orientation)
        .putShort((short) 0);
    b.putInt(0); // no next IFD
    return b.array();
  }

  /** {@code png} with a chunk inserted right after IHDR. */
  static byte[] insertPngChunk(byte[] png, String type, byte[] data) {
    return splice(png, 8 + 25, pngChunk(type, data));
  }

  static byte[] pngChunk(String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length)
        .putInt(data.length)
        .put(typeBytes)
        .put(data)
        .putInt((int) crc.getValue())
        .array();
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

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] splice(byte[] data, int at, byte[] insert) {
    byte[] out = new byte[data.length + insert.length];
    System.arraycopy(data, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(data, at, out, at + insert.length, data.length - at);
    return out;
  }
}
