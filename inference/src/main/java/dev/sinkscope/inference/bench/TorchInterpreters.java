package dev.sinkscope.inference.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the Python interpreters the benchmark compares against and what torch each has: the newest
 * torch 2.x or later is the main column, the newest torch 1.x (e.g. Debian's {@code python3-torch})
 * a second one.
 */
public final class TorchInterpreters {
  /** Environment variable naming the interpreter to try first. */
  public static final String ENV = "SINKSCOPE_BENCH_PYTHON";

  /** The virtual environment the docs tell users to make, relative to the working directory. */
  public static final String VENV_PYTHON = ".venv-bench/bin/python";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Prints torch's version, build configuration and thread settings as one JSON line. */
  static final String PROBE =
      "import json\n"
          + "try:\n"
          + "    import torch\n"
          + "except Exception as e:\n"
          + "    print(json.dumps({'error': type(e).__name__ + ': ' + str(e)}))\n"
          + "    raise SystemExit(0)\n"
          + "print(json.dumps({'torch': torch.__version__, 'config': torch.__config__.show(),\n"
          + "    'parallel': torch.__config__.parallel_info(), 'threads': torch.get_num_threads()}))\n";

  private TorchInterpreters() {}

  /**
   * What one interpreter has.
   *
   * @param python the interpreter as given or found
   * @param torchVersion e.g. "2.13.0+cpu"; null when torch does not import
   * @param blas the BLAS torch was built with ({@code BLAS_INFO}: mkl, open, ...), or "unknown"
   * @param oneDnn whether torch was built with oneDNN ({@code USE_MKLDNN})
   * @param parallel the parallel backend line of {@code torch.__config__.parallel_info()}
   * @param defaultThreads {@code torch.get_num_threads()} without any setting
   * @param error why torch is not usable (null when it is)
   */
  public record Probe(
      String python,
      String torchVersion,
      String blas,
      boolean oneDnn,
      String parallel,
      int defaultThreads,
      String error) {

    public boolean usable() {
      return torchVersion != null;
    }

    /** Major version of torch, or -1. */
    public int major() {
      return usable() ? versionParts(torchVersion)[0] : -1;
    }

    /** MKL follows {@code torch.set_num_threads}, so the OpenBLAS split is meaningless there. */
    public boolean blasFollowsTorchThreads() {
      return blas.toLowerCase(Locale.ROOT).contains("mkl");
    }

    /** "MKL" or "OpenBLAS" etc., for headers. */
    public String blasName() {
      String b = blas.toLowerCase(Locale.ROOT);
      if (b.contains("mkl")) {
        return "MKL";
      }
      if (b.equals("open") || b.contains("openblas")) {
        return "OpenBLAS";
      }
      if (b.equals("generic")) {
        // the system's libblas.so.3 (Debian: OpenBLAS through the alternatives), which reads
        // OPENBLAS_NUM_THREADS
        return "system BLAS";
      }
      return blas;
    }

    /** "torch 2.13.0+cpu", for column headers. */
    public String label() {
      return "torch " + torchVersion;
    }

    /**
     * One line for the report: "torch 2.13.0+cpu (BLAS mkl, oneDNN on, OpenMP; 2 threads by
     * default) via .venv-bench/bin/python".
     */
    public String describe() {
      if (!usable()) {
        return python + ": no torch (" + error + ")";
      }
      return String.format(
          Locale.ROOT,
          "%s (BLAS %s, oneDNN %s, %s; %d thread%s by default) via `%s`",
          label(),
          blas,
          oneDnn ? "on" : "off",
          parallel,
          defaultThreads,
          defaultThreads == 1 ? "" : "s",
          python);
    }

    /** Parses the probe's JSON line. */
    public static Probe parse(String python, String json) throws IOException {
      JsonNode n = JSON.readTree(json);
      if (n.has("error")) {
        return new Probe(python, null, "", false, "", 0, n.get("error").asText());
      }
      String config = n.path("config").asText("");
      String blas = setting(config, "BLAS_INFO").orElse("unknown");
      boolean oneDnn =
          setting(config, "USE_MKLDNN").map(v -> v.equalsIgnoreCase("ON")).orElse(false);
      String parallel =
          n.path("parallel")
              .asText("")
              .lines()
              .filter(l -> l.startsWith("ATen parallel backend:"))
              .map(l -> l.substring("ATen parallel backend:".length()).trim())
              .findFirst()
              .orElse("parallel backend unknown");
      return new Probe(
          python, n.get("torch").asText(), blas, oneDnn, parallel, n.path("threads").asInt(), null);
    }
  }

  /**
   * The interpreters to probe, in order, without duplicates: {@code explicit} when given, else
   * {@code $SINKSCOPE_BENCH_PYTHON}, {@code .venv-bench/bin/python} in {@code workingDir}, {@code
   * python3} on the PATH, {@code /usr/bin/python3}.
   *
   * @param onPath finds an executable on the PATH
   */
  public static List<String> candidates(
      List<String> explicit,
      Map<String, String> env,
      Path workingDir,
      Function<String, Optional<Path>> onPath) {
    Set<String> out = new LinkedHashSet<>();
    if (explicit != null && !explicit.isEmpty()) {
      explicit.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
      return List.copyOf(out);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      out.add(fromEnv.trim());
    }
    if (Files.isExecutable(workingDir.resolve(VENV_PYTHON))) {
      out.add(VENV_PYTHON);
    }
    onPath.apply("python3").map(Path::toString).ifPresent(out::add);
    out.add("/usr/bin/python3");
    return List.copyOf(out);
  }

  /** Looks {@code name} up on the PATH of this process. */
  public static Optional<Path> onSystemPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs the probe in {@code python}; an interpreter that does not start is reported, not thrown.
   */
  public static Probe probe(String python) {
    try {
      Process p = new ProcessBuilder(python, "-c", PROBE).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Probe(python, null, "", false, "", 0, "probe timed out");
      }
      String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
      if (line == null) {
        return new Probe(
            python, null, "", false, "", 0, "exit " + p.exitValue() + ": " + out.strip());
      }
      return Probe.parse(python, line);
    } catch (IOException e) {
      return new Probe(python, null, "", false, "", 0, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(python, null, "", false, "", 0, "interrupted");
    }
  }

  /**
   * The columns of a run: the newest torch 2.x or later first, then the newest torch 1.x; an
   * interpreter whose torch version repeats one already chosen is left out.
   */
  public static List<Probe> choose(List<Probe> probes) {
    Comparator<Probe> newestFirst =
        Comparator.comparing(
                (Probe p) -> versionParts(p.torchVersion()), TorchInterpreters::compare)
            .reversed();
    List<Probe> out = new ArrayList<>();
    probes.stream().filter(p -> p.major() >= 2).sorted(newestFirst).findFirst().ifPresent(out::add);
    probes.stream().filter(p -> p.major() == 1).sorted(newestFirst).findFirst().ifPresent(out::add);
    return out;
  }

  /** "2.13.0+cpu" -> {2, 13, 0}; "1.13.0a0+git" -> {1, 13, 0}. */
  static int[] versionParts(String version) {
    int[] out = new int[3];
    Matcher m = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?").matcher(version);
    if (m.find()) {
      for (int i = 0; i < 3; i++) {
        out[i] = m.group(i + 1) == null ? 0 : Integer.parseInt(m.group(i + 1));
      }
    }
    return out;
  }

  private static int compare(int[] a, int[] b) {
    for (int i = 0; i < 3; i++) {
      if (a[i] != b[i]) {
        return Integer.compare(a[i], b[i]);
      }
    }
    return 0;
  }

  private static Optional<String> setting(String config, String key) {
    Matcher m = Pattern.compile("\\b" + key + "=([^,\\s]+)").matcher(config);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
