package dev.sinkscope.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes rasters as an animated GIF with the JDK's own GIF writer: a delay per frame and a
 * loop-forever (NETSCAPE2.0) extension.
 *
 * <p>A GIF frame holds at most 256 colours, so each frame gets its own palette by {@link
 * #quantize(Raster)}: exact when the frame has at most 256 distinct colours, otherwise a
 * deterministic median cut over the frame's colours (weighted by how often they occur) with every
 * pixel mapped to its nearest palette entry. The same function always gives the same pixels, so a
 * test can compare a decoded frame with {@code quantize(expected)}. Alpha is dropped (frames are
 * opaque).
 */
public final class GifAnimation {
  /** Frames per second a viewer is asked for at most: GIF delays are in hundredths of a second. */
  public static final int MIN_DELAY_MS = 20;

  private static final int PALETTE_SIZE = 256;

  private GifAnimation() {}

  /** A frame reduced to at most 256 colours. */
  public record Indexed(int width, int height, int[] palette, byte[] indices) {

    /** The frame as opaque ARGB pixels, as a GIF decoder shows it. */
    public Raster toRaster() {
      int[] argb = new int[width * height];
      for (int i = 0; i < argb.length; i++) {
        argb[i] = 0xFF000000 | palette[indices[i] & 0xFF];
      }
      return new Raster(width, height, argb);
    }
  }

  /**
   * Writes {@code frames} (all of one size) to {@code file}, each shown for {@code delayMillis}
   * (rounded to hundredths, at least {@link #MIN_DELAY_MS}), looping forever when {@code loop}.
   */
  public static void write(List<Raster> frames, int delayMillis, boolean loop, Path file)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      write(frames, delayMillis, loop, out);
    }
  }

  public static void write(List<Raster> frames, int delayMillis, boolean loop, OutputStream out)
      throws IOException {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("an animation needs at least one frame");
    }
    int w = frames.get(0).width();
    int h = frames.get(0).height();
    for (Raster f : frames) {
      if (f.width() != w || f.height() != h) {
        throw new IllegalArgumentException(
            "frames differ in size: " + w + "x" + h + " and " + f.width() + "x" + f.height());
      }
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
    if (!writers.hasNext()) {
      throw new IOException("this Java runtime has no GIF writer");
    }
    ImageWriter writer = writers.next();
    int hundredths = Math.max(MIN_DELAY_MS, delayMillis) / 10;
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.prepareWriteSequence(null);
      ImageWriteParam param = writer.getDefaultWriteParam();
      for (int i = 0; i < frames.size(); i++) {
        Indexed indexed = quantize(frames.get(i));
        BufferedImage image = toImage(indexed);
        IIOMetadata metadata =
            writer.getDefaultImageMetadata(
                ImageTypeSpecifier.createFromRenderedImage(image), param);
        configure(metadata, indexed.palette(), hundredths, loop && i == 0);
        writer.writeToSequence(new IIOImage(image, null, metadata), param);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
  }

  /**
   * A GIF has one size: frames of different sizes (e.g. a colorbar whose tick labels make one
   * block's picture a few pixels wider) are placed top-left on the largest size, the rest filled
   * with {@code background}.
   */
  public static List<Raster> padToOneSize(List<Raster> frames, int background) {
    int w = frames.stream().mapToInt(Raster::width).max().orElseThrow();
    int h = frames.stream().mapToInt(Raster::height).max().orElseThrow();
    List<Raster> out = new ArrayList<>();
    for (Raster f : frames) {
      if (f.width() == w && f.height() == h) {
        out.add(f);
      } else {
        Raster padded = Raster.filled(w, h, background);
        padded.paste(f, 0, 0);
        out.add(padded);
      }
    }
    return out;
  }

  /** Reads every frame of a GIF written by {@link #write} (full frames, no offsets). */
  public static List<Raster> read(Path file) throws IOException {
    var readers = ImageIO.getImageReadersByFormatName("gif");
    var reader = readers.next();
    List<Raster> frames = new ArrayList<>();
    try (var in = ImageIO.createImageInputStream(file.toFile())) {
      reader.setInput(in);
      int n = reader.getNumImages(true);
      for (int i = 0; i < n; i++) {
        frames.add(Raster.fromImage(reader.read(i)));
      }
    } finally {
      reader.dispose();
    }
    return frames;
  }

  /** The frame delay (ms) and whether the file loops, as written in the first frame's metadata. */
  public record Timing(int delayMillis, boolean loops) {}

  public static Timing timing(Path file) throws IOException {
    var reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (var in = ImageIO.createImageInputStream(file.toFile())) {
      reader.setInput(in);
      IIOMetadataNode root =
          (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
      IIOMetadataNode gce = child(root, "GraphicControlExtension");
      int delay = Integer.parseInt(gce.getAttribute("delayTime")) * 10;
      boolean loops = false;
      IIOMetadataNode apps = child(root, "ApplicationExtensions");
      if (apps != null) {
        for (int i = 0; i < apps.getLength(); i++) {
          IIOMetadataNode app = (IIOMetadataNode) apps.item(i);
          loops |= "NETSCAPE".equals(app.getAttribute("applicationID"));
        }
      }
      return new Timing(delay, loops);
    } finally {
      reader.dispose();
    }
  }

  /**
   * At most 256 colours: exact when the frame has that few, else a weighted median cut (see class
   * doc).
   */
  public static Indexed quantize(Raster frame) {
    int[] px = frame.argb();
    Map<Integer, int[]> counts = new HashMap<>();
    for (int p : px) {
      counts.computeIfAbsent(p & 0xFFFFFF, k -> new int[1])[0]++;
    }
    int[] colours = new int[counts.size()];
    int[] weights = new int[counts.size()];
    int k = 0;
    // Sorted so the palette never depends on hash order.
    int[] keys = counts.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    for (int c : keys) {
      colours[k] = c;
      weights[k++] = counts.get(c)[0];
    }
    int[] palette;
    if (colours.length <= PALETTE_SIZE) {
      palette = colours;
    } else {
      palette = medianCut(colours, weights, PALETTE_SIZE);
    }
    Map<Integer, Integer> index = new HashMap<>();
    for (int i = 0; i < colours.length; i++) {
      index.put(colours[i], nearest(palette, colours[i]));
    }
    byte[] indices = new byte[px.length];
    for (int i = 0; i < px.length; i++) {
      indices[i] = (byte) (int) index.get(px[i] & 0xFFFFFF);
    }
    int[] full = Arrays.copyOf(palette, PALETTE_SIZE);
    return new Indexed(frame.width(), frame.height(), full, indices);
  }

  private static int[] medianCut(int[] colours, int[] weights, int size) {
    List<int[]> boxes = new ArrayList<>(); // each box: indices into colours
    int[] all = new int[colours.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    boxes.add(all);
    while (boxes.size() < size) {
      // Split the box with the widest channel range (ties: the heavier one, then the first).
      int best = -1;
      int bestRange = 0;
      long bestWeight = -1;
      int bestChannel = 0;
      for (int b = 0; b < boxes.size(); b++) {
        int[] box = boxes.get(b);
        if (box.length < 2) {
          continue;
        }
        for (int ch = 0; ch < 3; ch++) {
          int shift = 16 - 8 * ch;
          int lo = 255;
          int hi = 0;
          long w = 0;
          for (int i : box) {
            int v = colours[i] >> shift & 0xFF;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            w += weights[i];
          }
          int range = hi - lo;
          if (range > bestRange || range == bestRange && range > 0 && w > bestWeight) {
            best = b;
            bestRange = range;
            bestWeight = w;
            bestChannel = ch;
          }
        }
      }
      if (best < 0) {
        break;
      }
      int[] box = boxes.remove(best);
      int shift = 16 - 8 * bestChannel;
      Integer[] sorted = Arrays.stream(box).boxed().toArray(Integer[]::new);
      Arrays.sort(
          sorted,
          (a, b) -> {
            int c = Integer.compare(colours[a] >> shift & 0xFF, colours[b] >> shift & 0xFF);
            return c != 0 ? c : Integer.compare(colours[a], colours[b]);
          });
      long total = 0;
      for (int i : box) {
        total += weights[i];
      }
      long half = 0;
      int cut = 1;
      for (int i = 0; i < sorted.length - 1; i++) {
        half += weights[sorted[i]];
        cut = i + 1;
        if (2 * half >= total) {
          break;
        }
      }
      int[] lower = new int[cut];
      int[] upper = new int[sorted.length - cut];
      for (int i = 0; i < sorted.length; i++) {
        if (i < cut) {
          lower[i] = sorted[i];
        } else {
          upper[i - cut] = sorted[i];
        }
      }
      boxes.add(best, upper);
      boxes.add(best, lower);
    }
    int[] palette = new int[boxes.size()];
    for (int b = 0; b < boxes.size(); b++) {
      long r = 0;
      long g = 0;
      long bl = 0;
      long w = 0;
      for (int i : boxes.get(b)) {
        int c = colours[i];
        r += (long) (c >> 16 & 0xFF) * weights[i];
        g += (long) (c >> 8 & 0xFF) * weights[i];
        bl += (long) (c & 0xFF) * weights[i];
        w += weights[i];
      }
      palette[b] =
          (int) ((r + w / 2) / w) << 16 | (int) ((g + w / 2) / w) << 8 | (int) ((bl + w / 2) / w);
    }
    return palette;
  }

  private static int nearest(int[] palette, int colour) {
    int r = colour >> 16 & 0xFF;
    int g = colour >> 8 & 0xFF;
    int b = colour & 0xFF;
    int best = 0;
    int bestDistance = Integer.MAX_VALUE;
    for (int i = 0; i < palette.length; i++) {
      int dr = (palette[i] >> 16 & 0xFF) - r;
      int dg = (palette[i] >> 8 & 0xFF) - g;
      int db = (palette[i] & 0xFF) - b;
      int d = dr * dr + dg * dg + db * db;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
        if (d == 0) {
          break;
        }
      }
    }
    return best;
  }

  private static BufferedImage toImage(Indexed frame) {
    byte[] r = new byte[PALETTE_SIZE];
    byte[] g = new byte[PALETTE_SIZE];
    byte[] b = new byte[PALETTE_SIZE];
    for (int i = 0; i < PALETTE_SIZE; i++) {
      r[i] = (byte) (frame.palette()[i] >> 16);
      g[i] = (byte) (frame.palette()[i] >> 8);
      b[i] = (byte) frame.palette()[i];
    }
    IndexColorModel model = new IndexColorModel(8, PALETTE_SIZE, r, g, b);
    BufferedImage image =
        new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_BYTE_INDEXED, model);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(frame.indices(), 0, data, 0, data.length);
    return image;
  }

  private static void configure(IIOMetadata metadata, int[] palette, int hundredths, boolean loop)
      throws IOException {
    String format = metadata.getNativeMetadataFormatName();
    IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
    // Each frame carries its own colour table; without one the writer falls back to a fixed web
    // palette.
    IIOMetadataNode table = child(root, "LocalColorTable");
    if (table != null) {
      root.removeChild(table);
    }
    table = new IIOMetadataNode("LocalColorTable");
    table.setAttribute("sizeOfLocalColorTable", Integer.toString(PALETTE_SIZE));
    table.setAttribute("sortFlag", "FALSE");
    for (int i = 0; i < PALETTE_SIZE; i++) {
      IIOMetadataNode entry = new IIOMetadataNode("ColorTableEntry");
      entry.setAttribute("index", Integer.toString(i));
      entry.setAttribute("red", Integer.toString(palette[i] >> 16 & 0xFF));
      entry.setAttribute("green", Integer.toString(palette[i] >> 8 & 0xFF));
      entry.setAttribute("blue", Integer.toString(palette[i] & 0xFF));
      table.appendChild(entry);
    }
    IIOMetadataNode descriptor = child(root, "ImageDescriptor");
    descriptor.setAttribute("interlaceFlag", "FALSE");
    root.insertBefore(table, descriptor.getNextSibling());
    IIOMetadataNode gce = child(root, "GraphicControlExtension");
    if (gce == null) {
      gce = new IIOMetadataNode("GraphicControlExtension");
      root.appendChild(gce);
    }
    gce.setAttribute("disposalMethod", "none");
    gce.setAttribute("userInputFlag", "FALSE");
    gce.setAttribute("transparentColorFlag", "FALSE");
    gce.setAttribute("delayTime", Integer.toString(hundredths));
    gce.setAttribute("transparentColorIndex", "0");
    if (loop) {
      IIOMetadataNode apps = child(root, "ApplicationExtensions");
      if (apps == null) {
        apps = new IIOMetadataNode("ApplicationExtensions");
        root.appendChild(apps);
      }
      IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
      app.setAttribute("applicationID", "NETSCAPE");
      app.setAttribute("authenticationCode", "2.0");
      app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0 = forever
      apps.appendChild(app);
    }
    metadata.setFromTree(format, root);
  }

  private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
    for (int i = 0; i < parent.getLength(); i++) {
      if (parent.item(i).getNodeName().equals(name)) {
        return (IIOMetadataNode) parent.item(i);
      }
    }
    return null;
  }
}
