package dev.sinkscope.app.gui.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The window's executor with its real threads and the JavaFX thread: results, failures, cancels and
 * progress arrive on the FX thread, the work never runs there, and the one status follows it.
 */
@ExtendWith(ApplicationExtension.class)
class TaskExecutorTest {
  private static final long WAIT = 30;
  @TempDir Path tmp;
  private FxTaskExecutor tasks;

  @Start
  void start(Stage stage) {
    // the toolkit only; the executor needs no window
  }

  @BeforeEach
  void startExecutor() {
    tasks = FxTaskExecutor.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    tasks.close();
    assertTrue(tasks.awaitTermination(WAIT, TimeUnit.SECONDS), "the threads ended");
  }

  private static <T> T onFx(java.util.concurrent.Callable<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Platform.runLater(
        () -> {
          try {
            result.complete(work.call());
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void successWritesOffTheFxThreadAndReportsOnIt() throws Exception {
    Path file = tmp.resolve("out.txt");
    CompletableFuture<String> workThread = new CompletableFuture<>();
    CompletableFuture<String> success = new CompletableFuture<>();
    CompletableFuture<Boolean> finishedOnFx = new CompletableFuture<>();
    BackgroundTask<Long> task =
        onFx(
            () ->
                BackgroundTask.of(
                        "Writing out.txt",
                        context -> {
                          workThread.complete(Thread.currentThread().getName());
                          Files.writeString(file, "sinks");
                          return Files.size(file);
                        })
                    .onSuccess(
                        size ->
                            success.complete(
                                Thread.currentThread().getName()
                                    + " "
                                    + size
                                    + " "
                                    + Files.exists(file)))
                    .onFinished(() -> finishedOnFx.complete(Platform.isFxApplicationThread()))
                    .executeWith(tasks));

    assertTrue(workThread.get(WAIT, TimeUnit.SECONDS).startsWith("sinkscope-io-"));
    assertEquals("JavaFX Application Thread 5 true", success.get(WAIT, TimeUnit.SECONDS));
    assertTrue(finishedOnFx.get(WAIT, TimeUnit.SECONDS));
    assertEquals(BackgroundTask.State.SUCCEEDED, onFx(() -> task.stateProperty().get()));
    assertFalse(onFx(() -> tasks.status().runningProperty().get()), "nothing runs any more");
    assertNull(onFx(() -> tasks.status().failureProperty().get()));
  }

  @Test
  void failureReachesOnFailureAndTheStatusOnTheFxThread() throws Exception {
    Path missing = tmp.resolve("missing.json");
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    CompletableFuture<Boolean> failedOnFx = new CompletableFuture<>();
    onFx(
        () ->
            BackgroundTask.of("Reading missing.json", context -> Files.readString(missing))
                .onSuccess(text -> failed.complete(new AssertionError("read " + text)))
                .onFailure(
                    e -> {
                      failedOnFx.complete(Platform.isFxApplicationThread());
                      failed.complete(e);
                    })
                .executeWith(tasks));

    Throwable error = failed.get(WAIT, TimeUnit.SECONDS);
    assertInstanceOf(NoSuchFileException.class, error);
    assertEquals(missing.toString(), error.getMessage());
    assertTrue(failedOnFx.get(WAIT, TimeUnit.SECONDS));
    TaskStatus.Failure published = onFx(() -> tasks.status().failureProperty().get());
    assertEquals("Reading missing.json", published.title());
    assertSame(error, published.error());
  }

  @Test
  void cancelFromTheStatusStopsTheRunningTaskCooperatively() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> outcome = new CompletableFuture<>();
    List<Integer> rounds = new CopyOnWriteArrayList<>();
    BackgroundTask<Void> task =
        onFx(
            () ->
                BackgroundTask.run(
                        "Counting",
                        context -> {
                          started.countDown();
                          for (int i = 0; ; i++) {
                            context.throwIfCancelled();
                            rounds.add(i);
                            Thread.sleep(5);
                          }
                        })
                    .onSuccess(x -> outcome.complete("succeeded"))
                    .onFailure(e -> outcome.complete("failed " + e))
                    .onCancelled(() -> outcome.complete("cancelled"))
                    .executeWith(tasks));
    assertTrue(started.await(WAIT, TimeUnit.SECONDS));
    assertTrue(onFx(() -> tasks.status().cancellableProperty().get()), "Cancel is offered");
    assertEquals(List.of("Counting"), onFx(() -> tasks.status().titles()));

    assertTrue(onFx(() -> tasks.status().cancel()), "the status bar's Cancel found the task");

    assertEquals("cancelled", outcome.get(WAIT, TimeUnit.SECONDS));
    assertTrue(task.isCancelled());
    assertEquals(BackgroundTask.State.CANCELLED, onFx(() -> task.stateProperty().get()));
    assertFalse(onFx(() -> tasks.status().runningProperty().get()));
    assertNull(onFx(() -> tasks.status().failureProperty().get()), "a cancel is not a failure");
    int stoppedAt = rounds.size();
    Thread.sleep(50);
    assertEquals(stoppedAt, rounds.size(), "the work stopped");
  }

  @Test
  void progressReachesTheTaskAndTheStatusOnTheFxThread() throws Exception {
    CountDownLatch seen = new CountDownLatch(1);
    List<String> updates = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    onFx(
        () -> {
          tasks
              .status()
              .messageProperty()
              .addListener(
                  (obs, old, now) -> {
                    updates.add(
                        now
                            + " "
                            + tasks.status().progressProperty().get()
                            + " "
                            + Platform.isFxApplicationThread());
                    if (now.equals("block 4 of 8")) {
                      seen.countDown();
                    }
                  });
          return BackgroundTask.run(
                  "Running",
                  context -> {
                    context.progress(0.5, "block 4 of 8");
                    assertTrue(seen.await(WAIT, TimeUnit.SECONDS), "the FX thread saw the update");
                  })
              .on(BackgroundTask.Lane.INFERENCE)
              .onFinished(() -> done.complete(null))
              .executeWith(tasks);
        });
    done.get(WAIT, TimeUnit.SECONDS);
    assertEquals(
        List.of("Running -1.0 true", "block 4 of 8 0.5 true", " 0.0 true"),
        onFx(() -> List.copyOf(updates)),
        "title while it starts, then its progress, then empty when it ended");
  }

  @Test
  void inferenceTasksRunInOrderOnTheOneInferenceThread() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    onFx(
        () -> {
          for (int i = 0; i < 5; i++) {
            int n = i;
            BackgroundTask.run(
                    "pass " + n,
                    context -> {
                      Thread.sleep(5 - n); // later tasks are shorter: only order keeps them in line
                      ran.add(n + " " + Thread.currentThread().getName());
                    })
                .on(BackgroundTask.Lane.INFERENCE)
                .onFinished(
                    () -> {
                      if (n == 4) {
                        last.complete(null);
                      }
                    })
                .executeWith(tasks);
          }
          tasks
              .inferenceLane()
              .execute(() -> ran.add("request " + Thread.currentThread().getName()));
          return null;
        });
    last.get(WAIT, TimeUnit.SECONDS);
    tasks.close();
    assertTrue(tasks.awaitTermination(WAIT, TimeUnit.SECONDS));
    String t = FxTaskExecutor.INFERENCE_THREAD;
    assertEquals(
        List.of("0 " + t, "1 " + t, "2 " + t, "3 " + t, "4 " + t, "request " + t),
        List.copyOf(ran));
  }

  @Test
  void aTaskStartedAfterCloseIsCancelledNotRun() throws Exception {
    tasks.close();
    CompletableFuture<String> outcome = new CompletableFuture<>();
    onFx(
        () ->
            BackgroundTask.run("late", context -> outcome.complete("ran"))
                .onCancelled(() -> outcome.complete("cancelled"))
                .executeWith(tasks));
    assertEquals("cancelled", outcome.get(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void theCurrentThreadExecutorRunsEverythingBeforeExecuteReturns() throws IOException {
    CurrentThreadTaskExecutor direct = new CurrentThreadTaskExecutor();
    List<String> calls = new CopyOnWriteArrayList<>();
    BackgroundTask<Integer> task =
        BackgroundTask.of(
                "six",
                context -> {
                  context.progress(0.5, "half way");
                  calls.add("work");
                  return 6;
                })
            .onSuccess(v -> calls.add("success " + v))
            .onFinished(() -> calls.add("finished"))
            .executeWith(direct);
    assertEquals(List.of("work", "success 6", "finished"), calls);
    assertEquals(1.0, task.progressProperty().get());
    assertEquals("half way", task.messageProperty().get());
    assertFalse(direct.status().runningProperty().get());

    BackgroundTask<Void> failing =
        BackgroundTask.run(
                "throws",
                context -> {
                  throw new CancellationException("stopped");
                })
            .executeWith(direct);
    assertEquals(BackgroundTask.State.CANCELLED, failing.stateProperty().get());
  }
}
