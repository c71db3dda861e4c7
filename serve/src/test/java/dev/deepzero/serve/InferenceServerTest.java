package dev.deepzero.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint and error code of a server on an ephemeral loopback port, with the two test models. */
class InferenceServerTest {

  private static final long MAX_BYTES = 256 * 1024;

  @TempDir
  static Path dir;

  private static InferenceServer server;
  private static Http http;
  private static ServedModel classifier;
  private static ServedModel detector;
  private static final List<String> log = new CopyOnWriteArrayList<>(); // streamed while the server appends

  @BeforeAll
  static void start() throws IOException {
    Path clf = TestModels.classifier(dir);
    Path det = TestModels.detector(dir);
    classifier = ServedModels.load(clf);
    detector = ServedModels.load(det);
    server = InferenceServer.start(Map.of("fashion", clf, "shapes", det), ServerOptions.defaults().withPort(0)
        .withBatching(4, Duration.ofMillis(2)).withMaxRequestBytes(MAX_BYTES).withLog(log::add));
    http = new Http(server.uri());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ------------------------------------------------------------------ health, metadata

  @Test
  void healthProbesAnswerWithAStatusAndNoBody() {
    for (String path : List.of("v2/health/live", "v2/health/ready", "v2/models/fashion/ready",
        "v2/models/shapes/ready")) {
      Http.Answer a = http.get(path);
      assertEquals(200, a.status(), path);
      assertEquals("", a.body(), path);
    }
    Http.Answer unknown = http.get("v2/models/nope/ready");
    assertEquals(404, unknown.status());
    assertEquals("", unknown.body());
    assertEquals(Map.of("status", "Healthy"), http.get("ping").json());
  }

  @Test
  void metadataDescribesTheServerAndEachModel() {
    Map<?, ?> server = (Map<?, ?>) http.get("v2").json();
    assertEquals("deepzero", server.get("name"));
    assertEquals(List.of(), server.get("extensions"));

    Map<?, ?> m = (Map<?, ?>) http.get("v2/models/fashion").json();
    assertEquals("fashion", m.get("name"));
    Map<?, ?> input = (Map<?, ?>) ((List<?>) m.get("inputs")).get(0);
    assertEquals("FP32", input.get("datatype"));
    assertEquals(List.of(-1L, 1L, 28L, 28L), input.get("shape"));
    Map<?, ?> output = (Map<?, ?>) ((List<?>) m.get("outputs")).get(0);
    assertEquals(List.of("probabilities", List.of(-1L, 10L)), List.of(output.get("name"), output.get("shape")));
    Map<?, ?> parameters = (Map<?, ?>) m.get("parameters");
    assertEquals("classifier", parameters.get("kind"));
    assertEquals(TestModels.fashion().classNames(), parameters.get("classes"));
    assertTrue(((String) parameters.get("summary")).contains("total trainable parameters"), parameters.toString());

    Map<?, ?> d = (Map<?, ?>) http.get("v2/models/shapes").json();
    List<Object> names = new ArrayList<>();
    List<Object> shapes = new ArrayList<>();
    for (Object o : (List<?>) d.get("outputs")) {
      names.add(((Map<?, ?>) o).get("name"));
      shapes.add(((Map<?, ?>) o).get("shape"));
    }
    assertEquals(List.of("boxes", "scores", "labels", "batch_index"), names);
    assertEquals(List.of(List.of(-1L, 4L), List.of(-1L), List.of(-1L), List.of(-1L)), shapes);
    assertEquals("detector", ((Map<?, ?>) d.get("parameters")).get("kind"));

    Map<?, ?> models = (Map<?, ?>) http.get("models").json();
    assertEquals(2, ((List<?>) models.get("models")).size(), models.toString());
  }

  // ------------------------------------------------------------------ inference

  @Test
  void fp32InferenceEqualsInProcessPrediction() {
    float[] pixels = TestModels.randomPixels(new SplittableRandom(1), 2 * 784);
    Map<String, Object> request = infer("FP32", List.of(2, 1, 28, 28), pixels);
    request.put("id", "req-1");
    Http.Answer a = http.postJson("v2/models/fashion/infer", request);
    assertEquals(200, a.status(), a.body());
    Map<?, ?> r = (Map<?, ?>) a.json();
    assertEquals("req-1", r.get("id"));
    assertEquals("fashion", r.get("model_name"));
    Map<?, ?> out = (Map<?, ?>) ((List<?>) r.get("outputs")).get(0);
    assertEquals("probabilities", out.get("name"));
    assertEquals(List.of(2L, 10L), out.get("shape"));
    float[] expected = new float[20];
    for (int i = 0; i < 2; i++) {
      Tensor one = Tensor.wrap(java.util.Arrays.copyOfRange(pixels, i * 784, (i + 1) * 784), 1, 1, 28, 28);
      float[] p = ((ServedModel.Classes) classifier.predict(one, new int[][] {{28, 28}}).get(0)).probabilities();
      System.arraycopy(p, 0, expected, i * 10, 10);
    }
    assertArrayEquals(expected, floats(out.get("data")));
  }

  @Test
  void uint8PixelsAreScaledAsFp32DividedBy255() {
    List<Integer> bytes = new ArrayList<>();
    float[] scaled = new float[784];
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 784; i++) {
      bytes.add(rng.nextInt(256));
      scaled[i] = bytes.get(i) / 255f;
    }
    Map<?, ?> viaUint8 = (Map<?, ?>) http.postJson("v2/models/fashion/infer", infer("UINT8", List.of(1, 1, 28, 28),
        bytes)).json();
    Map<?, ?> viaFp32 = (Map<?, ?>) http.postJson("v2/models/fashion/infer", infer("FP32", List.of(1, 1, 28, 28),
        scaled)).json();
    assertEquals(viaFp32.get("outputs"), viaUint8.get("outputs"));
  }

  @Test
  void nestedDataIsReadRowMajor() {
    float[] pixels = TestModels.randomPixels(new SplittableRandom(3), 784);
    List<Object> rows = new ArrayList<>();
    for (int y = 0; y < 28; y++) {
      List<Float> row = new ArrayList<>();
      for (int x = 0; x < 28; x++) {
        row.add(pixels[y * 28 + x]);
      }
      rows.add(row);
    }
    Object nested = http.postJson("v2/models/fashion/infer", infer("FP32", List.of(1, 1, 28, 28),
        List.of(List.of(rows)))).json();
    Object flat = http.postJson("v2/models/fashion/infer", infer("FP32", List.of(1, 1, 28, 28), pixels)).json();
    assertEquals(flat, nested);
  }

  @Test
  void imagesGiveTheSameClassesOverBothProtocolsAndInProcess() {
    byte[] png = TestModels.fashionPng(0);
    var image = ImageBytes.decode(png);
    Tensor input = classifier.preprocess(image);
    float[] expected = ((ServedModel.Classes) classifier.predict(input.reshape(1, 1, 28, 28),
        new int[][] {{28, 28}}).get(0)).probabilities();

    Map<String, Object> request = infer("BYTES", List.of(1), List.of(Base64.getEncoder().encodeToString(png)));
    Map<?, ?> v2 = (Map<?, ?>) http.postJson("v2/models/fashion/infer", request).json();
    assertArrayEquals(expected, floats(((Map<?, ?>) ((List<?>) v2.get("outputs")).get(0)).get("data")));

    Http.Answer raw = http.post("predictions/fashion", "image/png", png);
    assertEquals(200, raw.status(), raw.body());
    List<?> top = (List<?>) raw.json();
    assertEquals(5, top.size());
    int best = argmax(expected);
    Map<?, ?> first = (Map<?, ?>) top.get(0);
    assertEquals(TestModels.fashion().classNames().get(best), first.get("className"));
    assertEquals(expected[best], ((Number) first.get("probability")).floatValue());
    // Trained for one epoch on 1500 images, the model already knows this test image.
    assertEquals(TestModels.fashion().classNames().get(TestModels.fashionLabel(0)), first.get("className"));

    assertEquals(raw.body(), http.post("predictions/fashion", null, png).body(), "no Content-Type: raw bytes");
    assertEquals(raw.body(), http.post("predictions/fashion", "application/octet-stream", png).body());
    String boundary = "deepzeroBoundary42";
    assertEquals(raw.body(), http.post("predictions/fashion", "multipart/form-data; boundary=" + boundary,
        multipart(boundary, png)).body());
  }

  @Test
  void detectorAnswersBoxesInThePixelsOfTheImageSent() {
    byte[] png = TestModels.shapesPng();
    Http.Answer a = http.post("predictions/shapes", "image/png", png);
    assertEquals(200, a.status(), a.body());
    List<?> found = (List<?>) a.json();
    assertFalse(found.isEmpty(), "the biased head finds objects everywhere");
    for (Object o : found) {
      Map<?, ?> d = (Map<?, ?>) o;
      assertEquals("circle", d.get("className"));
      List<?> box = (List<?>) d.get("box");
      assertTrue(((Number) box.get(2)).doubleValue() <= 96 && ((Number) box.get(3)).doubleValue() <= 64, d.toString());
    }

    Map<?, ?> v2 = (Map<?, ?>) http.postJson("v2/models/shapes/infer", infer("BYTES", List.of(2),
        List.of(Base64.getEncoder().encodeToString(png), Base64.getEncoder().encodeToString(png)))).json();
    Map<String, Map<?, ?>> outputs = new LinkedHashMap<>();
    for (Object o : (List<?>) v2.get("outputs")) {
      outputs.put((String) ((Map<?, ?>) o).get("name"), (Map<?, ?>) o);
    }
    int m = 2 * found.size();
    assertEquals(List.of((long) m, 4L), outputs.get("boxes").get("shape"));
    assertEquals("INT64", outputs.get("labels").get("datatype"));
    List<?> batchIndex = (List<?>) outputs.get("batch_index").get("data");
    assertEquals(found.size(), Collections.frequency(batchIndex, 1L));
    float[] boxes = floats(outputs.get("boxes").get("data"));
    List<?> firstBox = (List<?>) ((Map<?, ?>) found.get(0)).get("box");
    for (int k = 0; k < 4; k++) {
      assertEquals(((Number) firstBox.get(k)).floatValue(), boxes[k]);
    }

    Map<String, Object> onlyScores = infer("FP32", List.of(1, 3, 32, 32),
        TestModels.randomPixels(new SplittableRandom(4), 3 * 32 * 32));
    onlyScores.put("outputs", List.of(Map.of("name", "scores")));
    List<?> outs = (List<?>) ((Map<?, ?>) http.postJson("v2/models/shapes/infer", onlyScores).json()).get("outputs");
    assertEquals(1, outs.size());
    assertEquals("scores", ((Map<?, ?>) outs.get(0)).get("name"));
  }

  // ------------------------------------------------------------------ errors

  @Test
  void malformedRequestsAre400WithAnErrorMessage() {
    String infer = "v2/models/fashion/infer";
    assertError(400, "malformed JSON", http.post(infer, "application/json", "{\"inputs\": [".getBytes()));
    assertError(400, "JSON object", http.post(infer, "application/json", "[1, 2]".getBytes()));
    assertError(400, "one tensor", http.postJson(infer, Map.of("inputs", List.of())));
    assertError(400, "does not fit", http.postJson(infer, infer("FP32", List.of(1, 1, 28, 27), new float[756])));
    assertError(400, "does not fit", http.postJson(infer, infer("FP32", List.of(1, 784), new float[784])));
    assertError(400, "needs 784 values", http.postJson(infer, infer("FP32", List.of(1, 1, 28, 28), new float[783])));
    assertError(400, "more than", http.postJson(infer, infer("FP32", List.of(1, 1, 28, 28), new float[785])));
    assertError(400, "needs 1683627179248 values", http.postJson(infer, infer("FP32",
        List.of(2147483647, 1, 28, 28), new float[785])));
    assertError(400, "datatype FP16", http.postJson(infer, infer("FP16", List.of(1, 1, 28, 28), new float[784])));
    // 1e999 is no double (a JSON error); 1e39 is a double but no float.
    assertError(400, "malformed JSON", http.post(infer, "application/json", ("{\"inputs\":[{\"name\":\"input\","
        + "\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":[1e999" + ",0".repeat(783) + "]}]}").getBytes()));
    assertError(400, "finite", http.post(infer, "application/json", ("{\"inputs\":[{\"name\":\"input\","
        + "\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":[1e39" + ",0".repeat(783) + "]}]}").getBytes()));
    List<Object> strings = new ArrayList<>(Collections.nCopies(784, "x"));
    assertError(400, "finite", http.postJson(infer, infer("FP32", List.of(1, 1, 28, 28), strings)));
    List<Object> big = new ArrayList<>(Collections.nCopies(784, 0));
    big.set(5, 256);
    assertError(400, "[0, 255]", http.postJson(infer, infer("UINT8", List.of(1, 1, 28, 28), big)));
    assertError(400, "base64", http.postJson(infer, infer("BYTES", List.of(1), List.of("***"))));
    assertError(400, "PNG or JPEG", http.postJson(infer, infer("BYTES", List.of(1),
        List.of(Base64.getEncoder().encodeToString("hello".getBytes())))));
    Map<String, Object> badOutput = infer("FP32", List.of(1, 1, 28, 28), new float[784]);
    badOutput.put("outputs", List.of(Map.of("name", "boxes")));
    assertError(400, "unknown output", http.postJson(infer, badOutput));
  }

  @Test
  void undecodableImagesAre400() throws IOException {
    assertError(400, "PNG or JPEG", http.post("predictions/fashion", "image/png", "not an image".getBytes()));
    byte[] png = TestModels.fashionPng(1);
    assertError(400, "decode", http.post("predictions/fashion", "image/png",
        java.util.Arrays.copyOf(png, png.length / 2)));
    ByteArrayOutputStream gif = new ByteArrayOutputStream();
    javax.imageio.ImageIO.write(ImageBytes.decode(png), "gif", gif);
    assertError(400, "not a PNG or JPEG", http.post("predictions/fashion", "image/png", gif.toByteArray()));
    assertError(400, "empty", http.post("predictions/fashion", "image/png", new byte[0]));
  }

  @Test
  void aDecompressionBombIsRefusedFromItsHeader() {
    // A valid PNG signature and header claiming 100000 x 100000 pixels (40 GB as ARGB), then nothing.
    Http.Answer a = http.post("predictions/fashion", "image/png", pngHeader(100_000, 100_000));
    assertError(400, "100000 x 100000 pixels", a);
  }

  @Test
  void unknownModelsAndPathsAre404() {
    assertError(404, "no model named 'nope'", http.post("predictions/nope", "image/png", new byte[1]));
    assertError(404, "no model named", http.postJson("v2/models/nope/infer", Map.of()));
    assertError(404, "no model named", http.get("v2/models/nope"));
    assertError(404, "no such path", http.get("v2/models/fashion/explain"));
    assertError(404, "no such path", http.get("index.html"));
    assertError(404, "no such path", http.get("predictions"));
    // Names are never paths: nothing outside the served models can be reached through them.
    assertError(404, "no model named", http.get("v2/models/..%2F..%2Fetc%2Fpasswd"));
    assertError(404, "no such path", http.get("predictions/../../etc/passwd"));
  }

  @Test
  void wrongMethodsAre405WithAllow() {
    Http.Answer a = http.get("v2/models/fashion/infer");
    assertError(405, "use POST", a);
    assertEquals("POST", a.header("Allow"));
    assertError(405, "use GET", http.post("v2", "application/json", "{}".getBytes()));
    assertError(405, "use POST", http.get("predictions/fashion"));
    assertError(405, "use GET", http.method("DELETE", "v2/models/fashion"));
    assertEquals(405, http.method("PUT", "metrics").status());
  }

  @Test
  void oversizedBodiesAre413BeforeTheyAreRead() {
    // Content-Length says 10 GB and no byte of it is sent: the answer cannot have waited for the body.
    String head = "POST /predictions/fashion HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
        + "Content-Length: 10000000000";
    assertEquals("HTTP/1.1 413 Request Entity Too Large", http.raw(head, new byte[0]));
    // In chunks, the body is read up to one byte past the limit.
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    for (int i = 0; i < 6; i++) {
      chunked.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunked.writeBytes(chunk);
      chunked.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("HTTP/1.1 413 Request Entity Too Large", http.raw("POST /v2/models/fashion/infer HTTP/1.1\r\n"
        + "Host: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", chunked.toByteArray()));
    assertError(413, "--max-request-bytes", http.post("predictions/fashion", "image/png",
        new byte[(int) MAX_BYTES + 1]));
    assertEquals(200, http.post("predictions/fashion", "image/png", TestModels.fashionPng(2)).status(),
        "the server still answers");
  }

  @Test
  void unsupportedContentTypesAre415() {
    assertError(415, "Content-Type 'text/plain'", http.post("predictions/fashion", "text/plain", "x".getBytes()));
    assertError(415, "application/json", http.post("v2/models/fashion/infer", "image/png",
        TestModels.fashionPng(0)));
    assertError(415, "image/png", http.post("predictions/fashion", "application/json", "{}".getBytes()));
  }

  // ------------------------------------------------------------------ observability, page

  @Test
  void metricsAreInThePrometheusTextFormat() {
    http.post("predictions/fashion", "image/png", TestModels.fashionPng(3));
    http.get("v2/models/nope");
    Http.Answer a = http.get("metrics");
    assertEquals(200, a.status());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", a.header("Content-Type"));
    String text = a.body();
    for (String expected : List.of("# TYPE deepzero_requests_total counter",
        "deepzero_requests_total{endpoint=\"predictions\",code=\"200\"} ",
        "deepzero_requests_total{endpoint=\"model_metadata\",code=\"404\"} ",
        "# TYPE deepzero_request_duration_seconds histogram",
        "deepzero_request_duration_seconds_bucket{endpoint=\"predictions\",le=\"+Inf\"} ",
        "deepzero_request_duration_seconds_count{endpoint=\"predictions\"} ",
        "# TYPE deepzero_batch_size histogram", "deepzero_batch_size_bucket{model=\"fashion\",le=\"1\"} ",
        "# TYPE deepzero_queue_depth gauge", "deepzero_queue_depth{model=\"fashion\"} 0",
        "deepzero_queue_depth{model=\"shapes\"} 0")) {
      assertTrue(text.contains(expected), expected + " in\n" + text);
    }
    for (String line : text.split("\n")) {
      assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*\\})? [0-9.eE+-]+"), line);
    }
  }

  @Test
  void eachRequestIsLoggedOnOneLineWithItsLatency() throws InterruptedException {
    http.get("v2/health/live?probe=log-test");
    // The line is written once the answer is sent, so it may come a moment after the client has it.
    String pattern = ".* 127\\.0\\.0\\.1 \"GET /v2/health/live\\?probe=log-test\" 200 0B [0-9.]+ms";
    for (int i = 0; i < 200 && log.stream().noneMatch(l -> l.matches(pattern)); i++) {
      Thread.sleep(10);
    }
    assertEquals(1, log.stream().filter(l -> l.matches(pattern)).count(), String.join("\n", log));
  }

  @Test
  void thePageIsServedFromTheJar() {
    Http.Answer a = http.get("");
    assertEquals(200, a.status());
    assertEquals("text/html; charset=utf-8", a.header("Content-Type"));
    assertTrue(a.body().contains("<title>deepzero serve</title>"));
  }

  // ------------------------------------------------------------------ helpers

  static Map<String, Object> infer(String datatype, List<Integer> shape, Object data) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("name", "input");
    input.put("datatype", datatype);
    input.put("shape", shape);
    input.put("data", data);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("inputs", List.of(input));
    return request;
  }

  static float[] floats(Object jsonList) {
    List<?> list = (List<?>) jsonList;
    float[] f = new float[list.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) list.get(i)).floatValue();
    }
    return f;
  }

  static void assertError(int status, String messagePart, Http.Answer a) {
    assertEquals(status, a.status(), a.body());
    Object error = ((Map<?, ?>) a.json()).get("error");
    assertTrue(error instanceof String s && s.contains(messagePart), "'" + messagePart + "' in " + a.body());
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  private static byte[] multipart(String boundary, byte[] file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(file);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** The PNG signature and an IHDR chunk (8-bit RGB) for the given size, with a correct CRC. */
  static byte[] pngHeader(int width, int height) {
    java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}).putInt(13).put(ihdr.array())
        .putInt((int) crc.getValue());
    return png.array();
  }
}
