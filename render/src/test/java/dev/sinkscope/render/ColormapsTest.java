package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColormapsTest {

  /** Entries 0, 128 and 255 as matplotlib reports them ({@code to_hex(cmap(i))}). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "viridis,  #440154, #21918c, #fde725",
    "magma,    #000004, #b73779, #fcfdbf",
    "inferno,  #000004, #bc3754, #fcffa4",
    "plasma,   #0d0887, #cc4778, #f0f921",
    "cividis,  #00224e, #7d7c78, #fee838",
    "turbo,    #30123b, #a4fc3c, #7a0403",
    "coolwarm, #3b4cc0, #dddcdc, #b40426",
    "RdBu,     #67001f, #f6f7f7, #053061",
    "gray,     #000000, #808080, #ffffff",
  })
  void tablesMatchPublishedMatplotlibSamples(
      String name, String first, String middle, String last) {
    Colormap map = Colormaps.byName(name);
    assertEquals(256, map.size());
    assertEquals(first, hex(map.entry(0)));
    assertEquals(middle, hex(map.entry(128)));
    assertEquals(last, hex(map.entry(255)));
  }

  @Test
  void viridisMiddleEntryIsTheStoredFloatTripleRounded() {
    // _viridis_data[128] = [0.127568, 0.566949, 0.550556]
    int c = Colormaps.VIRIDIS.entry(128);
    assertEquals(Math.round(0.127568 * 255), (c >> 16) & 0xFF);
    assertEquals(Math.round(0.566949 * 255), (c >> 8) & 0xFF);
    assertEquals(Math.round(0.550556 * 255), c & 0xFF);
  }

  @Test
  void everyBuiltInMapIsOpaqueAndComplete() {
    assertEquals(
        List.of(
            "viridis",
            "magma",
            "inferno",
            "plasma",
            "cividis",
            "turbo",
            "gray",
            "coolwarm",
            "RdBu"),
        Colormaps.names());
    for (Colormap map : Colormaps.all()) {
      assertEquals(256, map.size(), map.name());
      for (int i = 0; i < map.size(); i++) {
        assertEquals(0xFF, map.entry(i) >>> 24, map.name() + "[" + i + "]");
      }
    }
  }

  @Test
  void uniformSequentialMapsGetBrighterAlongTheTable() {
    // 8-bit rounding can dip luminance by a hair between neighbours; a real reordering would not.
    for (Colormap map :
        List.of(
            Colormaps.VIRIDIS,
            Colormaps.MAGMA,
            Colormaps.INFERNO,
            Colormaps.PLASMA,
            Colormaps.CIVIDIS,
            Colormaps.GRAY)) {
      for (int i = 1; i < 256; i++) {
        assertTrue(
            luminance(map.entry(i)) >= luminance(map.entry(i - 1)) - 5e-4,
            map.name() + " gets darker at entry " + i);
      }
      assertTrue(luminance(map.entry(255)) - luminance(map.entry(0)) > 0.5, map.name());
      assertTrue(luminance(map.entry(160)) > luminance(map.entry(96)), map.name());
    }
  }

  @Test
  void divergingMapsAreMarkedDiverging() {
    assertEquals(Colormap.Kind.DIVERGING, Colormaps.COOLWARM.kind());
    assertEquals(Colormap.Kind.DIVERGING, Colormaps.RDBU.kind());
    assertEquals(Colormap.Kind.SEQUENTIAL, Colormaps.VIRIDIS.kind());
  }

  @Test
  void normalisedValuesUseMatplotlibBinning() {
    Colormap map = Colormaps.VIRIDIS;
    assertEquals(map.entry(0), map.argb(0.0));
    assertEquals(map.entry(127), map.argb(127.999 / 256));
    assertEquals(map.entry(128), map.argb(0.5));
    assertEquals(map.entry(255), map.argb(255.0 / 256));
    assertEquals(map.entry(255), map.argb(1.0));
  }

  @Test
  void nanUnderAndOverHaveTheirOwnColours() {
    Colormap map = Colormaps.VIRIDIS;
    assertEquals(0x00000000, map.argb(Double.NaN), "bad is transparent by default");
    assertEquals(map.entry(0), map.argb(-0.1), "under defaults to the first entry");
    assertEquals(map.entry(255), map.argb(1.1), "over defaults to the last entry");

    Colormap explicit = map.withBad(0xFF808080).withUnder(0xFF0000FF).withOver(0xFFFF0000);
    assertEquals(0xFF808080, explicit.argb(Double.NaN));
    assertEquals(0xFF0000FF, explicit.argb(-1e-9));
    assertEquals(0xFFFF0000, explicit.argb(1 + 1e-9));
    assertEquals(map.entry(0), explicit.argb(0));
  }

  @Test
  void reversedMapFlipsTableAndUnderOver() {
    Colormap map = Colormaps.MAGMA.withUnder(0xFF0000FF);
    Colormap reversed = map.reversed();
    assertEquals("magma_r", reversed.name());
    assertEquals(map.entry(0), reversed.entry(255));
    assertEquals(map.entry(255), reversed.entry(0));
    assertEquals(0xFF0000FF, reversed.overArgb());
    assertEquals(map, reversed.reversed());
    assertEquals(Colormaps.MAGMA.reversed(), Colormaps.byName("Magma_R"));
  }

  @Test
  void sharedConstantsCannotBeChangedThroughTheirTable() {
    int[] table = Colormaps.VIRIDIS.lut();
    table[0] = 0xFFFF0000;
    assertEquals("#440154", hex(Colormaps.VIRIDIS.entry(0)));
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Colormaps.byName("jet"));
    assertTrue(e.getMessage().contains("viridis"), e.getMessage());
  }

  @Test
  void componentsOutsideTheUnitRangeAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Colormap.fromRgb(
                "bad", Colormap.Kind.SEQUENTIAL, new double[][] {{0, 0, 0}, {1.2, 0, 0}}));
  }

  static String hex(int argb) {
    return String.format("#%06x", argb & 0xFFFFFF);
  }

  private static double luminance(int argb) {
    return 0.2126 * linear((argb >> 16) & 0xFF)
        + 0.7152 * linear((argb >> 8) & 0xFF)
        + 0.0722 * linear(argb & 0xFF);
  }

  private static double linear(int channel) {
    double c = channel / 255.0;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
}
