package dev.deepzero.serve;

import static dev.deepzero.serve.InferenceServerTest.floats;
import static dev.deepzero.serve.InferenceServerTest.infer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic batching: concurrent requests run as fewer batches, with the answers one-by-one prediction gives. */
class BatchingTest {

  private static final int CLIENTS = 8;

  @TempDir
  Path dir;

  @Test
  void concurrentRequestsRunAsBatchesWithTheSameResultsAsOneByOne() throws Exception {
    Path clf = TestModels.classifier(dir);
    Path det = TestModels.detector(dir);
    ServedModel classifier = ServedModels.load(clf);
    ServedModel detector = ServedModels.load(det);
    // A long delay so that requests started together land in one batch even on a loaded machine.
    ServerOptions options = ServerOptions.defaults().withPort(0).withBatching(CLIENTS, Duration.ofMillis(500))
        .withLog(line -> { });
    try (InferenceServer server = InferenceServer.start(Map.of("fashion", clf, "shapes", det), options)) {
      Http http = new Http(server.uri());
      check(server, http, "fashion", classifier, new int[] {1, 28, 28});
      check(server, http, "shapes", detector, new int[] {3, 32, 32});
    }
  }

  private static void check(InferenceServer server, Http http, String name, ServedModel model, int[] shape)
      throws Exception {
    int size = shape[0] * shape[1] * shape[2];
    SplittableRandom rng = new SplittableRandom(11);
    List<float[]> images = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      images.add(TestModels.randomPixels(rng, size));
    }
    CyclicBarrier start = new CyclicBarrier(CLIENTS);
    List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
    for (float[] image : images) {
      answers.add(CompletableFuture.supplyAsync(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return http.postJson("v2/models/" + name + "/infer", infer("FP32", List.of(1, shape[0], shape[1], shape[2]),
            image));
      }, java.util.concurrent.Executors.newSingleThreadExecutor()));
    }
    long before = server.batchesRun(name);
    for (int i = 0; i < CLIENTS; i++) {
      Http.Answer a = answers.get(i).get();
      assertEquals(200, a.status(), a.body());
      List<ServedModel.Prediction> alone = model.predict(Tensor.wrap(images.get(i), 1, shape[0], shape[1], shape[2]),
          new int[][] {{shape[2], shape[1]}});
      List<?> outputs = (List<?>) ((Map<?, ?>) a.json()).get("outputs");
      if (alone.get(0) instanceof ServedModel.Classes c) {
        assertArrayEquals(c.probabilities(), floats(((Map<?, ?>) outputs.get(0)).get("data")), "request " + i);
      } else {
        var detections = ((ServedModel.Objects) alone.get(0)).detections();
        float[] expected = new float[detections.size()];
        for (int d = 0; d < expected.length; d++) {
          expected[d] = (float) detections.get(d).score();
        }
        assertArrayEquals(expected, floats(((Map<?, ?>) outputs.get(1)).get("data")), "request " + i + " scores");
      }
    }
    long batches = server.batchesRun(name) - before;
    assertTrue(batches >= 1 && batches < CLIENTS, CLIENTS + " concurrent requests ran as " + batches + " batches");
    String metrics = http.get("metrics").body();
    assertTrue(metrics.matches("(?s).*deepzero_batch_size_bucket\\{model=\"" + name + "\",le=\"1\"} [0-"
        + (CLIENTS - 1) + "]\n.*"), metrics);
  }
}
