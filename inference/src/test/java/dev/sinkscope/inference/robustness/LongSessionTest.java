package dev.sinkscope.inference.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.HeadSet;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.NumericalHealth;
import dev.sinkscope.inference.session.IncrementalRunner;
import dev.sinkscope.inference.session.ModelSession;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A long viewing session at the inference level: 1,000 mitigation toggles through the incremental
 * runner leave the model's native arrays and the Java heap where they were.
 */
@Tag("slow")
class LongSessionTest {
  private static final int TOGGLES = 1_000;
  private static final int WARM_UP = 100;

  /**
   * Allowed growth of the heap in use after GC between toggle 100 and toggle 1,000 (measured: 26
   * KiB). The runner holds two results of about 45 KB each here; keeping one more per toggle would
   * add about 40 MB over 900 toggles, far above this, while GC noise (lazily filled caches, JIT and
   * class metadata counted as heap by some collectors) stays well below it.
   */
  private static final long HEAP_SLACK = 8L << 20;

  private static final TestTimeRegisters TTR;
  private static final List<Mitigation> NORMALISERS =
      List.of(
          AttentionNormalizer.sigmoid(new BlockRange(2, 3)),
          AttentionNormalizer.softmax1(BlockRange.ALL),
          AttentionNormalizer.softmax1(new BlockRange(1, 1)));
  private static final List<Mitigation> GATES =
      List.of(
          new HeadGate(0f, new BlockRange(1, 1), HeadSet.parse("0;2")),
          new HeadGate(0.5f, new BlockRange(0, 3), HeadSet.parse("3")),
          new HeadGate(0f, BlockRange.ALL, HeadSet.ALL));

  static {
    try {
      TTR =
          TestTimeRegisters.reference(
              NeuronMap.read(Corpus.FIXTURES.resolve("dinov2-ttr").resolve("ttr.json")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** What the user has switched on: each field null when off. */
  private static final class Toggles {
    Mitigation ttr;
    Mitigation normaliser;
    Mitigation gate;

    void flip(Random random) {
      switch (random.nextInt(3)) {
        case 0 -> ttr = ttr == null ? TTR : null;
        case 1 ->
            normaliser =
                normaliser == null ? NORMALISERS.get(random.nextInt(NORMALISERS.size())) : null;
        default -> gate = gate == null ? GATES.get(random.nextInt(GATES.size())) : null;
      }
    }

    MitigationStack stack() {
      List<Mitigation> on = new ArrayList<>();
      for (Mitigation m : new Mitigation[] {ttr, normaliser, gate}) {
        if (m != null) {
          on.add(m);
        }
      }
      return new MitigationStack(on);
    }
  }

  @Test
  void thousandTogglesKeepNativeArraysAndHeapFlat() throws Exception {
    long started = System.nanoTime();
    try (LiveSession live = LiveSession.open()) {
      ModelSession session = live.session();
      FloatTensor pixels = live.pixels();
      IncrementalRunner runner = new IncrementalRunner(session);
      int arraysBefore = session.managedArrayCount();
      Toggles toggles = new Toggles();
      Random random = new Random(20250611);
      long heapAtWarmUp = 0;
      long directAtWarmUp = 0;
      int arraysAtWarmUp = 0;
      int recomputedBlocks = 0;
      for (int i = 1; i <= TOGGLES; i++) {
        toggles.flip(random);
        MitigationStack stack = toggles.stack();
        ForwardResult result =
            runner.run(
                pixels,
                stack,
                CaptureOptions.DEFAULT,
                CancellationToken.NONE,
                ProgressListener.NONE);
        recomputedBlocks += session.spec().numLayers() - runner.lastStartBlock();
        if (i % 100 == 0) {
          // The cached, partly reused result must still be what a fresh pass gives.
          ForwardResult fresh =
              session
                  .forward()
                  .run(
                      pixels,
                      stack.hooks(session.spec()),
                      CaptureOptions.DEFAULT,
                      CancellationToken.NONE,
                      ProgressListener.NONE);
          // Exact on purpose: both sides come from this machine's engine with the same settings
          // (ADR 0019).
          assertEquals(
              fresh.lastHiddenState(),
              result.lastHiddenState(),
              "toggle " + i + ": " + stack.spec());
          assertTrue(NumericalHealth.check(result).ok(), "toggle " + i + ": " + stack.spec());
        }
        if (i == WARM_UP) {
          heapAtWarmUp = usedHeapAfterGc();
          directAtWarmUp = directBufferBytes();
          arraysAtWarmUp = session.managedArrayCount();
        }
      }
      long heapAtEnd = usedHeapAfterGc();
      int arraysAfter = session.managedArrayCount();

      print(
          "managed arrays before / at 100 / at 1000",
          arraysBefore + " / " + arraysAtWarmUp + " / " + arraysAfter);
      print(
          "heap used after GC at 100 / at 1000 (KiB)",
          heapAtWarmUp / 1024 + " / " + heapAtEnd / 1024);
      print(
          "direct buffers at 100 / at 1000 (KiB)",
          directAtWarmUp / 1024 + " / " + directBufferBytes() / 1024);
      print("blocks recomputed over 1000 toggles (4 per full pass)", recomputedBlocks + "");
      print("seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));

      assertEquals(arraysBefore, arraysAfter, "native arrays held by the model");
      assertEquals(arraysBefore, arraysAtWarmUp, "native arrays held by the model");
      assertTrue(
          heapAtEnd - heapAtWarmUp < HEAP_SLACK,
          "heap grew by "
              + (heapAtEnd - heapAtWarmUp) / 1024
              + " KiB between toggle 100 and toggle 1000");
      live.assertStillWorks();
    }
  }

  /** The numbers a reader of the build log wants to see, whether or not the test passes. */
  private static void print(String what, String value) {
    System.out.println("long session: " + what + ": " + value);
  }

  /**
   * Heap in use after full collections until it stops shrinking. Each round waits until the JVM
   * reports one more completed collection (a condition, not a pause), so a busy machine only makes
   * it slower.
   */
  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long collectionsBefore = completedCollections();
      System.gc();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (completedCollections() <= collectionsBefore && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        Thread.yield();
      }
      long used = rt.totalMemory() - rt.freeMemory();
      if (used >= best) {
        break;
      }
      best = used;
    }
    return best;
  }

  private static long completedCollections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount)
        .filter(n -> n > 0)
        .sum();
  }

  private static long directBufferBytes() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed)
        .sum();
  }
}
