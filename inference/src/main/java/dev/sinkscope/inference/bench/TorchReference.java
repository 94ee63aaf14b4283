package dev.sinkscope.inference.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs {@code scripts/bench/torch_reference.py} (PyTorch eager, same weights, same input) as a
 * subprocess with a given split of torch and OpenBLAS threads, and reads its JSON line.
 */
public final class TorchReference {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String python;
  private final Path script;
  private final int torchThreads;
  private final int blasThreads;
  private final String blasName;

  /**
   * @param python interpreter with torch, e.g. {@code /usr/bin/python3} (Debian's, which has
   *     python3-torch)
   * @param torchThreads torch intra-op threads ({@code torch.set_num_threads})
   * @param blasThreads OpenBLAS threads ({@code OPENBLAS_NUM_THREADS})
   */
  public TorchReference(String python, Path script, int torchThreads, int blasThreads) {
    this(python, script, torchThreads, blasThreads, "OpenBLAS");
  }

  /**
   * @param blasName the BLAS torch was built with; for MKL, which follows {@code
   *     torch.set_num_threads}, {@code blasThreads} is ignored
   */
  public TorchReference(
      String python, Path script, int torchThreads, int blasThreads, String blasName) {
    this.python = python;
    this.script = script;
    this.torchThreads = torchThreads;
    this.blasThreads = blasThreads;
    this.blasName = blasName;
  }

  /** The interpreter. */
  public String python() {
    return python;
  }

  /** "torch 2 threads, OpenBLAS 1 thread", or "torch 2 threads (MKL follows)". */
  public String threading() {
    if (blasName.equals("MKL")) {
      return "torch "
          + torchThreads
          + " thread"
          + (torchThreads == 1 ? "" : "s")
          + " (MKL follows)";
    }
    return "torch "
        + torchThreads
        + " thread"
        + (torchThreads == 1 ? "" : "s")
        + ", "
        + blasName
        + " "
        + blasThreads
        + " thread"
        + (blasThreads == 1 ? "" : "s");
  }

  /** The reference's timings of one configuration, in milliseconds. */
  public record Figures(
      String torchVersion,
      Timing forwardCapture,
      Timing forwardOnly,
      Timing ttrToggle,
      Timing swapToggle,
      Path outputs) {

    /**
     * A {@code last_hidden_state} the script wrote ({@code plain}, {@code ttr}, {@code swap}), or
     * null.
     */
    public float[] lastHiddenState(String scenario) throws IOException {
      Path file = outputs == null ? null : outputs.resolve(scenario + ".f32");
      if (file == null || !Files.isRegularFile(file)) {
        return null;
      }
      byte[] bytes = Files.readAllBytes(file);
      float[] out = new float[bytes.length / 4];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }
  }

  private String version = "not run";

  /** Whether the interpreter imports torch at all. */
  public boolean available() {
    try {
      Process p =
          new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Times the same scenarios as {@link InferenceBenchmark} on the same model and pixels.
   *
   * @param scenarios which to run: forward_capture, forward_only, ttr_toggle, swap_toggle
   */
  public Figures run(
      Path model,
      Path pixels,
      int warmup,
      int runs,
      String neurons,
      int swapFrom,
      Path outputs,
      List<String> scenarios)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python,
                script.toString(),
                "--model",
                model.toString(),
                "--pixels",
                pixels.toString(),
                "--threads",
                Integer.toString(torchThreads),
                "--runs",
                Integer.toString(runs),
                "--warmup",
                Integer.toString(warmup),
                "--neurons",
                neurons,
                "--swap-from",
                Integer.toString(swapFrom),
                "--outputs",
                outputs.toString(),
                "--scenarios",
                String.join(",", scenarios)));
    JsonNode json = JSON.readTree(lastLine(execute(cmd)));
    return new Figures(
        json.path("torch").asText(),
        timing(json.get("forward_capture")),
        timing(json.get("forward_only")),
        timing(json.get("ttr_toggle")),
        timing(json.get("swap_toggle")),
        outputs);
  }

  /**
   * Times one captured pass over {@code batch} images (the fixture pixels with shifted
   * intensities).
   */
  public Timing runBatch(Path model, Path pixels, int warmup, int runs, int batch)
      throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            python,
            script.toString(),
            "--model",
            model.toString(),
            "--pixels",
            pixels.toString(),
            "--threads",
            Integer.toString(torchThreads),
            "--runs",
            Integer.toString(runs),
            "--warmup",
            Integer.toString(warmup),
            "--scenarios",
            "batch_capture",
            "--batch",
            Integer.toString(batch));
    JsonNode json = JSON.readTree(lastLine(execute(cmd)));
    version = json.path("torch").asText(version);
    return timing(json.get("batch_capture"));
  }

  /** The torch version the last {@link #runBatch} reported, or "not run". */
  public String version() {
    return version;
  }

  /**
   * Starts the script in cold mode and returns the wall time until its first captured pass, in ms.
   */
  public double coldStartMillis(Path model, Path pixels) throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            python,
            script.toString(),
            "--model",
            model.toString(),
            "--pixels",
            pixels.toString(),
            "--threads",
            Integer.toString(torchThreads),
            "--cold");
    long start = System.nanoTime();
    String out = execute(cmd);
    double wall = (System.nanoTime() - start) / 1e6;
    JSON.readTree(lastLine(out)); // the script said it finished a pass
    return wall;
  }

  private String execute(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("OPENBLAS_NUM_THREADS", Integer.toString(blasThreads));
    env.put("OMP_NUM_THREADS", Integer.toString(torchThreads));
    if (blasName.equals("MKL")) {
      env.put("MKL_NUM_THREADS", Integer.toString(torchThreads));
    }
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (p.waitFor() != 0) {
      throw new IOException("torch reference failed (" + String.join(" ", cmd) + "):\n" + out);
    }
    return out;
  }

  private static String lastLine(String out) throws IOException {
    List<String> lines = out.lines().filter(l -> l.startsWith("{")).collect(Collectors.toList());
    if (lines.isEmpty()) {
      throw new IOException("torch reference printed no JSON:\n" + out);
    }
    return lines.get(lines.size() - 1);
  }

  private static Timing timing(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return new Timing(
        node.get("min").asDouble(), node.get("median").asDouble(), node.get("runs").asInt());
  }
}
