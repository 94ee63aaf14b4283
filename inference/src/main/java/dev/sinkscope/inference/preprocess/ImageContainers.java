package dev.sinkscope.inference.preprocess;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level look into image containers for what ImageIO does not give us the way Pillow sees it:
 * the format from the magic bytes, the EXIF orientation and the embedded ICC profiles of JPEGs.
 * Malformed structure is never an error here; ImageIO reports it when decoding.
 */
final class ImageContainers {

  enum Format {
    PNG("png"),
    JPEG("jpeg"),
    GIF("gif"),
    BMP("bmp");

    final String imageIoName;

    Format(String imageIoName) {
      this.imageIoName = imageIoName;
    }
  }

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] ICC_HEADER = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
  private static final int ORIENTATION_TAG = 0x0112;

  private ImageContainers() {}

  /** The supported format the magic bytes announce, or null. */
  static Format sniff(byte[] d) {
    if (startsWith(d, 0, PNG_SIGNATURE)) {
      return Format.PNG;
    }
    if (d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF) {
      return Format.JPEG;
    }
    if (startsWith(d, 0, ascii("GIF87a")) || startsWith(d, 0, ascii("GIF89a"))) {
      return Format.GIF;
    }
    if (startsWith(d, 0, ascii("BM")) && d.length >= 26) {
      return Format.BMP;
    }
    return null;
  }

  /** A name for a known but unsupported format, for the error message, or null. */
  static String unsupportedFormatName(byte[] d) {
    if (startsWith(d, 0, ascii("RIFF")) && startsWith(d, 8, ascii("WEBP"))) {
      return "WebP";
    }
    if (startsWith(d, 0, new byte[] {'I', 'I', 42, 0})
        || startsWith(d, 0, new byte[] {'M', 'M', 0, 42})) {
      return "TIFF";
    }
    if (startsWith(d, 4, ascii("ftyp"))) {
      return "HEIF/AVIF";
    }
    return null;
  }

  /**
   * EXIF orientation tag of a JPEG (APP1 "Exif") or PNG (eXIf chunk); NORMAL when absent or
   * unreadable.
   */
  static ExifOrientation exifOrientation(byte[] d, Format format) {
    int[] tiff = format == Format.JPEG ? jpegExif(d) : format == Format.PNG ? pngExif(d) : null;
    if (tiff == null) {
      return ExifOrientation.NORMAL;
    }
    return ExifOrientation.fromTagValue(tiffOrientation(d, tiff[0], tiff[1]));
  }

  /**
   * The JPEG without its APP2 ICC_PROFILE segments: ImageIO would convert the pixels from an
   * embedded profile to sRGB, while Pillow (and so every reference processor) ignores the profile.
   */
  static byte[] withoutIccProfile(byte[] d) {
    ByteArrayOutputStream out = null;
    int copiedUpTo = 0;
    for (int[] seg = nextJpegSegment(d, 2); seg != null; seg = nextJpegSegment(d, seg[2])) {
      if (seg[0] == 0xE2 && startsWith(d, seg[1], ICC_HEADER)) {
        if (out == null) {
          out = new ByteArrayOutputStream(d.length);
        }
        int segmentStart = seg[1] - 4;
        out.write(d, copiedUpTo, segmentStart - copiedUpTo);
        copiedUpTo = seg[2];
      }
    }
    if (out == null) {
      return d;
    }
    out.write(d, copiedUpTo, d.length - copiedUpTo);
    return out.toByteArray();
  }

  /**
   * The marker segment starting at or after {@code pos}, before the scan data: {marker, payload
   * start, end}; null at SOS/EOI or when the structure ends early.
   */
  private static int[] nextJpegSegment(byte[] d, int pos) {
    while (pos + 4 <= d.length) {
      if ((d[pos] & 0xFF) != 0xFF) {
        return null;
      }
      int marker = d[pos + 1] & 0xFF;
      if (marker == 0xFF) {
        pos++; // fill byte
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        pos += 2; // standalone marker
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        return null;
      }
      int length = u16be(d, pos + 2);
      int end = pos + 2 + length;
      if (length < 2 || end > d.length) {
        return null;
      }
      return new int[] {marker, pos + 4, end};
    }
    return null;
  }

  private static int[] jpegExif(byte[] d) {
    for (int[] seg = nextJpegSegment(d, 2); seg != null; seg = nextJpegSegment(d, seg[2])) {
      if (seg[0] == 0xE1 && startsWith(d, seg[1], EXIF_HEADER)) {
        return new int[] {seg[1] + EXIF_HEADER.length, seg[2]};
      }
    }
    return null;
  }

  private static int[] pngExif(byte[] d) {
    int pos = PNG_SIGNATURE.length;
    while (pos + 12 <= d.length) {
      long length = u32be(d, pos);
      if (length > d.length - pos - 12) {
        return null;
      }
      int dataStart = pos + 8;
      int dataEnd = dataStart + (int) length;
      if (startsWith(d, pos + 4, ascii("eXIf"))) {
        // Some writers keep the JPEG-style "Exif\0\0" prefix in the chunk.
        int tiffStart =
            startsWith(d, dataStart, EXIF_HEADER) ? dataStart + EXIF_HEADER.length : dataStart;
        return new int[] {tiffStart, dataEnd};
      }
      if (startsWith(d, pos + 4, ascii("IEND"))) {
        return null;
      }
      pos = dataEnd + 4;
    }
    return null;
  }

  /** The orientation value in IFD0 of the TIFF structure in {@code d[start, end)}, or 1. */
  private static int tiffOrientation(byte[] d, int start, int end) {
    if (end - start < 8) {
      return 1;
    }
    boolean little;
    if (d[start] == 'I' && d[start + 1] == 'I') {
      little = true;
    } else if (d[start] == 'M' && d[start + 1] == 'M') {
      little = false;
    } else {
      return 1;
    }
    if (u16(d, start + 2, little) != 42) {
      return 1;
    }
    long ifd = u32(d, start + 4, little);
    if (ifd < 8 || ifd > end - start - 2) {
      return 1;
    }
    int ifdPos = start + (int) ifd;
    int entries = u16(d, ifdPos, little);
    for (int i = 0; i < entries; i++) {
      int e = ifdPos + 2 + i * 12;
      if (e + 12 > end) {
        return 1;
      }
      if (u16(d, e, little) == ORIENTATION_TAG) {
        int type = u16(d, e + 2, little);
        if (type == 3) { // SHORT, stored left-aligned in the value field
          return u16(d, e + 8, little);
        }
        if (type == 4) { // LONG, seen from a few writers
          return (int) Math.min(u32(d, e + 8, little), Integer.MAX_VALUE);
        }
        return 1;
      }
    }
    return 1;
  }

  private static int u16be(byte[] d, int p) {
    return (d[p] & 0xFF) << 8 | (d[p + 1] & 0xFF);
  }

  private static long u32be(byte[] d, int p) {
    return (long) u16be(d, p) << 16 | u16be(d, p + 2);
  }

  private static int u16(byte[] d, int p, boolean little) {
    return little ? (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 : u16be(d, p);
  }

  private static long u32(byte[] d, int p, boolean little) {
    return little ? (long) u16(d, p + 2, true) << 16 | u16(d, p, true) : u32be(d, p);
  }

  private static boolean startsWith(byte[] d, int offset, byte[] prefix) {
    if (offset < 0 || offset + prefix.length > d.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (d[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
