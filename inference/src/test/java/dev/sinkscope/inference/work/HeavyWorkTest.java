package dev.sinkscope.inference.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeavyWorkTest {
  @Test
  void theObserverLearnsEachStartOnTheCallingThreadUntilClosed() throws Exception {
    List<String> seen = new ArrayList<>();
    try (AutoCloseable probe =
        HeavyWork.observe(kind -> seen.add(kind + " on " + Thread.currentThread().getName()))) {
      HeavyWork.starts(HeavyWork.Kind.FORWARD);
      Thread worker = new Thread(() -> HeavyWork.starts(HeavyWork.Kind.IMAGE_LOAD), "worker");
      worker.start();
      worker.join();
      assertThrows(
          IllegalStateException.class,
          () -> HeavyWork.observe(kind -> {}),
          "one observer at a time");
    }
    HeavyWork.starts(HeavyWork.Kind.EXPORT); // no observer any more
    assertEquals(
        List.of("FORWARD on " + Thread.currentThread().getName(), "IMAGE_LOAD on worker"), seen);
  }
}
