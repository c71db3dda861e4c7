package dev.deepzero.serve;

import static dev.deepzero.serve.InferenceServerTest.assertError;
import static dev.deepzero.serve.InferenceServerTest.infer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full queue, a request timeout and a graceful shutdown, made deterministic by a model that holds each batch
 * until the test opens its gate.
 */
class BackPressureTest {

  @TempDir
  static Path dir;

  private static ServedModel classifier;

  @BeforeAll
  static void load() throws Exception {
    classifier = ServedModels.load(TestModels.classifier(dir));
  }

  /** The classifier, except that {@link #predict} waits for {@link #open} and signals {@link #entered}. */
  private static final class Gated implements ServedModel {
    final CountDownLatch open = new CountDownLatch(1);
    final Semaphore entered = new Semaphore(0);

    @Override
    public Kind kind() {
      return classifier.kind();
    }

    @Override
    public int[] inputShape() {
      return classifier.inputShape();
    }

    @Override
    public List<String> classNames() {
      return classifier.classNames();
    }

    @Override
    public String summary() {
      return classifier.summary();
    }

    @Override
    public Tensor preprocess(BufferedImage image) {
      return classifier.preprocess(image);
    }

    @Override
    public List<Prediction> predict(Tensor batch, int[][] sizes) {
      entered.release();
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return classifier.predict(batch, sizes);
    }
  }

  private static ServerOptions options() {
    return ServerOptions.defaults().withPort(0).withBatching(1, Duration.ZERO).withQueueCapacity(2)
        .withLog(line -> { });
  }

  private static CompletableFuture<Http.Answer> inferAsync(Http http) {
    return CompletableFuture.supplyAsync(() -> http.postJson("v2/models/m/infer", infer("FP32",
        List.of(1, 1, 28, 28), new float[784])), java.util.concurrent.Executors.newSingleThreadExecutor());
  }

  private static void awaitQueueDepth(Http http, int depth) throws InterruptedException {
    String line = "deepzero_queue_depth{model=\"m\"} " + depth;
    for (int i = 0; i < 1000 && !http.get("metrics").body().contains(line); i++) {
      Thread.sleep(10);
    }
    assertTrue(http.get("metrics").body().contains(line), line);
  }

  @Test
  void aFullQueueIs503AndTheQueuedRequestsStillSucceed() throws Exception {
    Gated model = new Gated();
    try (InferenceServer server = InferenceServer.startLoaded(Map.of("m", model), options())) {
      Http http = new Http(server.uri());
      CompletableFuture<Http.Answer> running = inferAsync(http);
      assertTrue(model.entered.tryAcquire(30, TimeUnit.SECONDS));
      List<CompletableFuture<Http.Answer>> queued = List.of(inferAsync(http), inferAsync(http));
      awaitQueueDepth(http, 2);
      assertError(503, "queue of model 'm' is full", http.postJson("v2/models/m/infer", infer("FP32",
          List.of(1, 1, 28, 28), new float[784])));
      assertError(503, "full", http.post("predictions/m", "image/png", TestModels.fashionPng(0)));
      model.open.countDown();
      assertEquals(200, running.get().status());
      for (CompletableFuture<Http.Answer> q : queued) {
        assertEquals(200, q.get().status());
      }
      assertEquals(3, server.batchesRun("m"));
    }
  }

  @Test
  void aRequestWaitingLongerThanItsTimeoutIs503() throws Exception {
    Gated model = new Gated();
    try (InferenceServer server = InferenceServer.startLoaded(Map.of("m", model),
        options().withRequestTimeout(Duration.ofMillis(200)))) {
      Http http = new Http(server.uri());
      assertError(503, "request timeout of 200 ms", http.postJson("v2/models/m/infer", infer("FP32",
          List.of(1, 1, 28, 28), new float[784])));
      model.open.countDown();
    }
  }

  @Test
  void stoppingFinishesRequestsInFlightAndRefusesNewOnes() throws Exception {
    Gated model = new Gated();
    InferenceServer server = InferenceServer.startLoaded(Map.of("m", model), options());
    Http http = new Http(server.uri());
    CompletableFuture<Http.Answer> inFlight = inferAsync(http);
    assertTrue(model.entered.tryAcquire(30, TimeUnit.SECONDS));
    CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(30)));
    for (int i = 0; i < 1000 && http.get("v2/health/ready").status() == 200; i++) {
      Thread.sleep(10);
    }
    assertEquals(503, http.get("v2/health/ready").status(), "not ready while draining");
    assertEquals(200, http.get("v2/health/live").status(), "still alive while draining");
    Http.Answer refused = http.postJson("v2/models/m/infer", infer("FP32", List.of(1, 1, 28, 28), new float[784]));
    assertError(503, "shutting down", refused);
    assertEquals("close", refused.header("Connection"));
    model.open.countDown();
    assertEquals(200, inFlight.get().status(), "the request in flight finishes");
    assertTrue(stopped.get(), "stop reports that every request finished");
    assertThrows(UncheckedIOException.class, () -> http.get("ping"), "the port is closed");
  }
}
