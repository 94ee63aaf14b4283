package dev.sinkscope.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which interpreters the benchmark probes, which it compares against, and how it names them. */
class TorchInterpretersTest {
  @TempDir Path tmp;

  private static final String MKL_CONFIG =
      "PyTorch built with:\\n  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release, LAPACK_INFO=mkl,"
          + " USE_MKL=ON, USE_MKLDNN=ON, USE_OPENMP=ON, \\n";

  private static TorchInterpreters.Probe probe(String python, String version, String blas) {
    return new TorchInterpreters.Probe(python, version, blas, true, "OpenMP", 2, null);
  }

  @Test
  void discoveryOrderIsEnvThenVenvThenPathThenDebian() throws Exception {
    Path venv = Files.createDirectories(tmp.resolve(".venv-bench/bin"));
    Path exe = Files.createFile(venv.resolve("python"));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> found =
        TorchInterpreters.candidates(
            List.of(),
            Map.of(TorchInterpreters.ENV, "/opt/py/bin/python"),
            tmp,
            name -> Optional.of(Path.of("/usr/local/bin/" + name)));
    assertEquals(
        List.of(
            "/opt/py/bin/python",
            ".venv-bench/bin/python",
            "/usr/local/bin/python3",
            "/usr/bin/python3"),
        found);
  }

  @Test
  void withoutEnvAndVenvOnlyThePathAndDebianRemainWithoutDuplicates() {
    List<String> found =
        TorchInterpreters.candidates(
            List.of(), Map.of(), tmp, name -> Optional.of(Path.of("/usr/bin/" + name)));
    assertEquals(List.of("/usr/bin/python3"), found);
  }

  @Test
  void explicitInterpretersReplaceDiscovery() {
    List<String> found =
        TorchInterpreters.candidates(
            List.of("a/python", " b/python ", "a/python"),
            Map.of(TorchInterpreters.ENV, "/opt/py/bin/python"),
            tmp,
            name -> Optional.of(Path.of("/usr/bin/" + name)));
    assertEquals(List.of("a/python", "b/python"), found);
  }

  @Test
  void newestTorchTwoIsMainAndTorchOneSecond() {
    TorchInterpreters.Probe debian = probe("/usr/bin/python3", "1.13.0a0+git", "open");
    TorchInterpreters.Probe older = probe("old/python", "2.5.1+cpu", "mkl");
    TorchInterpreters.Probe newest = probe(".venv-bench/bin/python", "2.13.0+cpu", "mkl");
    TorchInterpreters.Probe none =
        new TorchInterpreters.Probe("x", null, "", false, "", 0, "ModuleNotFoundError: torch");
    List<TorchInterpreters.Probe> chosen =
        TorchInterpreters.choose(List.of(debian, none, older, newest));
    assertEquals(List.of(newest, debian), chosen);
    assertEquals(List.of(debian), TorchInterpreters.choose(List.of(none, debian)));
    assertTrue(TorchInterpreters.choose(List.of(none)).isEmpty());
  }

  @Test
  void probeOutputIsParsedAndDescribed() throws Exception {
    String json =
        "{\"torch\": \"2.13.0+cpu\", \"config\": \""
            + MKL_CONFIG
            + "\", \"parallel\": \"ATen/Parallel:\\n\\tat::get_num_threads() : 2\\n"
            + "ATen parallel backend: OpenMP\\n\", \"threads\": 2}";
    TorchInterpreters.Probe p = TorchInterpreters.Probe.parse(".venv-bench/bin/python", json);
    assertEquals(2, p.major());
    assertEquals("mkl", p.blas());
    assertTrue(p.oneDnn());
    assertTrue(p.blasFollowsTorchThreads());
    assertEquals("MKL", p.blasName());
    assertEquals(
        "torch 2.13.0+cpu (BLAS mkl, oneDNN on, OpenMP; 2 threads by default) via "
            + "`.venv-bench/bin/python`",
        p.describe());
  }

  @Test
  void openBlasBuildAndMissingTorchAreReported() throws Exception {
    TorchInterpreters.Probe debian =
        TorchInterpreters.Probe.parse(
            "/usr/bin/python3",
            "{\"torch\": \"1.13.0a0+gitunknown\", \"config\": \"BLAS_INFO=open, USE_MKLDNN=OFF\","
                + " \"parallel\": \"ATen parallel backend: OpenMP\", \"threads\": 1}");
    assertEquals(1, debian.major());
    assertFalse(debian.blasFollowsTorchThreads());
    assertEquals("OpenBLAS", debian.blasName());
    assertEquals(
        "torch 1.13.0a0+gitunknown (BLAS open, oneDNN off, OpenMP; 1 thread by default) via "
            + "`/usr/bin/python3`",
        debian.describe());
    TorchInterpreters.Probe missing =
        TorchInterpreters.Probe.parse(
            "/usr/bin/python3", "{\"error\": \"ModuleNotFoundError: No module named 'torch'\"}");
    assertFalse(missing.usable());
    assertEquals(
        "/usr/bin/python3: no torch (ModuleNotFoundError: No module named 'torch')",
        missing.describe());
  }

  @Test
  void threadSplitLabelsNameTheBlas() {
    Path script = Path.of("torch_reference.py");
    assertEquals(
        "torch 2 threads (MKL follows)", new TorchReference("p", script, 2, 1, "MKL").threading());
    assertEquals(
        "torch 1 thread, OpenBLAS 2 threads",
        new TorchReference("p", script, 1, 2, "OpenBLAS").threading());
  }

  @Test
  void generatedBlockReplacesOnlyTheTextBetweenTheMarkers() {
    String doc =
        "# Benchmarks\nhand text\n"
            + GeneratedBlock.BEGIN
            + "\nold table\n"
            + GeneratedBlock.END
            + "\n## Distillation step\nkept\n";
    String updated = GeneratedBlock.replace(doc, "new table");
    assertEquals(
        "# Benchmarks\nhand text\n"
            + GeneratedBlock.BEGIN
            + "\nnew table\n"
            + GeneratedBlock.END
            + "\n## Distillation step\nkept\n",
        updated);
    assertEquals(updated, GeneratedBlock.replace(updated, "new table"));
    assertThrows(IllegalArgumentException.class, () -> GeneratedBlock.replace("no markers", "x"));
  }
}
