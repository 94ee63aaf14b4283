/**
 * Pure-Java rendering for Sinkscope: colormaps, normalisation, heatmap overlays, markers, legends,
 * comparisons, charts and PNG export. Inputs are {@code float[]} patch grids, outputs are packed
 * ARGB {@code int[]} rasters, so the GUI, the command line and tests share one code path. No JavaFX
 * and no inference engine here; AWT is used only for text, shapes and PNG encoding.
 *
 * <h2>Coordinate conventions</h2>
 *
 * <ul>
 *   <li>Rasters are row-major with the origin top-left: pixel (x, y) is {@code argb[y * width +
 *       x]}, packed {@code 0xAARRGGBB}, not premultiplied.
 *   <li>Grids are row-major: patch (row, col) is {@code values[row * cols + col]}, row 0 at the
 *       top. Per-token model outputs list prefix tokens (CLS, registers) first; see {@link
 *       dev.sinkscope.render.ScalarGrid#fromTokens}.
 *   <li>Positions are continuous with pixel edges at integers; a pixel is sampled at its centre (x
 *       + 0.5, y + 0.5).
 *   <li>The grid covers the model input, i.e. the crop box, exactly: with patch size P = cropWidth
 *       / cols (and cropHeight / rows), patch (r, c) covers crop pixels [c*P, (c+1)*P) x [r*P,
 *       (r+1)*P). {@link dev.sinkscope.render.PreprocessGeometry} maps crop pixels back through the
 *       resize to the original photo: original x = (cropX + cropLeft) * originalWidth /
 *       resizedWidth. An original pixel belongs to the patch under its centre; pixels whose centre
 *       falls outside the crop were never seen by the model and are drawn as such ({@link
 *       dev.sinkscope.render.OutsideCropStyle}), never coloured.
 *   <li>Bilinear upsampling puts each patch value at its patch centre and clamps at the edges, like
 *       {@code align_corners=False} resizing.
 * </ul>
 */
package dev.sinkscope.render;
