package dev.sinkscope.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;

/**
 * PNG files that carry what they show: text chunks with model, layer, head, quantity, mitigations
 * and normalisation (see {@link ExportMetadata}), readable by any PNG tool ({@code exiftool},
 * {@code pngcheck -t}) and by {@link #readMetadata}. Values that fit Latin-1 go into tEXt chunks,
 * others into UTF-8 iTXt chunks, as the PNG specification requires.
 */
public final class PngExport {

  private static final String PNG_METADATA_FORMAT = "javax_imageio_png_1.0";

  private PngExport() {}

  public static void write(Raster raster, Map<String, String> metadata, Path file)
      throws IOException {
    Files.write(file, encode(raster, metadata));
  }

  public static void write(Raster raster, Map<String, String> metadata, OutputStream out)
      throws IOException {
    out.write(encode(raster, metadata));
  }

  /**
   * The PNG bytes of a raster with text chunks in map order. Fully opaque rasters are stored
   * without an alpha channel, which makes files smaller.
   *
   * @throws IllegalArgumentException for a keyword PNG does not allow (1-79 Latin-1 characters, no
   *     leading, trailing or double spaces) or a value with NUL
   */
  public static byte[] encode(Raster raster, Map<String, String> metadata) throws IOException {
    BufferedImage image = raster.isOpaque() ? opaqueView(raster) : raster.asBufferedImage();
    ImageWriter writer = pngWriter();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      IIOMetadata imageMetadata =
          writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
      imageMetadata.mergeTree(PNG_METADATA_FORMAT, textChunks(metadata));
      ByteArrayOutputStream bytes =
          new ByteArrayOutputStream(raster.width() * raster.height() + 1024);
      try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, imageMetadata), param);
      }
      return bytes.toByteArray();
    } finally {
      writer.dispose();
    }
  }

  public static Raster read(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException("not a readable image: " + file.getFileName());
    }
    return Raster.fromImage(image);
  }

  public static Map<String, String> readMetadata(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readMetadata(in);
    }
  }

  public static Map<String, String> readMetadata(byte[] png) throws IOException {
    return readMetadata(new ByteArrayInputStream(png));
  }

  /** All tEXt, iTXt and zTXt entries, in file order; a repeated keyword keeps the last value. */
  public static Map<String, String> readMetadata(InputStream in) throws IOException {
    try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
      if (!readers.hasNext()) {
        throw new IOException("not an image");
      }
      ImageReader reader = readers.next();
      try {
        if (!"png".equalsIgnoreCase(reader.getFormatName())) {
          throw new IOException("not a PNG but " + reader.getFormatName());
        }
        reader.setInput(stream, true, false);
        Node root = reader.getImageMetadata(0).getAsTree(PNG_METADATA_FORMAT);
        Map<String, String> entries = new LinkedHashMap<>();
        for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
          String entryName =
              switch (chunk.getNodeName()) {
                case "tEXt" -> "tEXtEntry";
                case "iTXt" -> "iTXtEntry";
                case "zTXt" -> "zTXtEntry";
                default -> null;
              };
          if (entryName == null) {
            continue;
          }
          for (Node entry = chunk.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
            if (entry.getNodeName().equals(entryName)) {
              IIOMetadataNode element = (IIOMetadataNode) entry;
              String valueAttribute = entryName.equals("tEXtEntry") ? "value" : "text";
              entries.put(element.getAttribute("keyword"), element.getAttribute(valueAttribute));
            }
          }
        }
        return entries;
      } finally {
        reader.dispose();
      }
    }
  }

  private static IIOMetadataNode textChunks(Map<String, String> metadata)
      throws IIOInvalidTreeException {
    IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA_FORMAT);
    IIOMetadataNode latin1 = new IIOMetadataNode("tEXt");
    IIOMetadataNode unicode = new IIOMetadataNode("iTXt");
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      String keyword = e.getKey();
      String value = e.getValue();
      checkKeyword(keyword);
      if (value == null || value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "metadata value for '" + keyword + "' is null or contains NUL");
      }
      if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(value)) {
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", keyword);
        entry.setAttribute("value", value);
        latin1.appendChild(entry);
      } else {
        IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
        entry.setAttribute("keyword", keyword);
        entry.setAttribute("compressionFlag", "FALSE");
        entry.setAttribute("compressionMethod", "0");
        entry.setAttribute("languageTag", "");
        entry.setAttribute("translatedKeyword", "");
        entry.setAttribute("text", value);
        unicode.appendChild(entry);
      }
    }
    if (latin1.hasChildNodes()) {
      root.appendChild(latin1);
    }
    if (unicode.hasChildNodes()) {
      root.appendChild(unicode);
    }
    return root;
  }

  static void checkKeyword(String keyword) {
    boolean ok =
        keyword != null
            && !keyword.isEmpty()
            && keyword.length() <= 79
            && !keyword.startsWith(" ")
            && !keyword.endsWith(" ")
            && !keyword.contains("  ");
    if (ok) {
      for (int i = 0; i < keyword.length(); i++) {
        char c = keyword.charAt(i);
        if (!((c >= 32 && c <= 126) || (c >= 161 && c <= 255))) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "not a valid PNG text keyword: '"
              + keyword
              + "' (1-79 printable Latin-1 characters, no leading, trailing or double spaces)");
    }
  }

  private static ImageWriter pngWriter() {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IllegalStateException("no PNG writer in this Java runtime");
    }
    return writers.next();
  }

  /** An RGB view of the same pixels; the alpha byte is ignored rather than copied out. */
  private static BufferedImage opaqueView(Raster raster) {
    DirectColorModel model = new DirectColorModel(24, 0x00FF0000, 0x0000FF00, 0x000000FF);
    SinglePixelPackedSampleModel sampleModel =
        new SinglePixelPackedSampleModel(
            java.awt.image.DataBuffer.TYPE_INT, raster.width(), raster.height(), model.getMasks());
    WritableRaster pixels =
        java.awt.image.Raster.createWritableRaster(
            sampleModel, new DataBufferInt(raster.argb(), raster.argb().length), null);
    return new BufferedImage(model, pixels, false, null);
  }
}
