package dev.deepzero.serve;

import dev.deepzero.io.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket client, so the
 * page test needs no WebDriver library: one page, commands sent as JSON, their results awaited by id.
 *
 * <p>Lifecycle: {@link #start} launches the browser (with a throw-away profile, loopback debugging port, no
 * network services); {@link #close} ends it and its child processes and deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {

  /** Debian's binary. */
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<Map<?, ?>>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  static HeadlessChromium start(int width, int height) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("deepzero-chromium");
    Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient client = HttpClient.newHttpClient();
      String targets = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      String page = null;
      for (Object o : (List<?>) Json.parse(targets)) {
        if ("page".equals(((Map<?, ?>) o).get("type"))) {
          page = (String) ((Map<?, ?>) o).get("webSocketDebuggerUrl");
        }
      }
      if (page == null) {
        throw new IOException("Chromium has no page target: " + targets);
      }
      HeadlessChromium[] self = new HeadlessChromium[1];
      Listener listener = new Listener(message -> self[0].received(message));
      WebSocket socket = client.newWebSocketBuilder().buildAsync(URI.create(page), listener)
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      self[0] = new HeadlessChromium(process, profile, socket);
      return self[0];
    } catch (IOException | InterruptedException | RuntimeException e) {
      destroy(process, profile);
      throw e;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      destroy(process, profile);
      throw new IOException("cannot connect to Chromium: " + e, e);
    }
  }

  /** Sends a command and returns its {@code result} object. */
  Map<?, ?> send(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<Map<?, ?>> answer = new CompletableFuture<>();
    pending.put(id, answer);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("id", id);
    message.put("method", method);
    message.put("params", params);
    socket.sendText(Json.write(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Map<?, ?> reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (reply.get("error") != null) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return (Map<?, ?>) reply.get("result");
  }

  /** The value of a JavaScript expression in the page (awaited if it is a promise). */
  Object evaluate(String expression) throws Exception {
    Map<?, ?> result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true));
    if (result.get("exceptionDetails") != null) {
      throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
    }
    return ((Map<?, ?>) result.get("result")).get("value");
  }

  /** Waits until the expression is truthy (an exception, as before the page has loaded, counts as not yet). */
  Object await(String expression) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Object v;
      try {
        v = evaluate(expression);
      } catch (IllegalStateException e) {
        v = null;
      }
      if (v != null && !Boolean.FALSE.equals(v) && !"".equals(v)) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + expression);
      }
      Thread.sleep(50);
    }
  }

  /** Puts a file into a {@code <input type=file>} as a user picking it would (which fires its change event). */
  void chooseFile(String selector, Path file) throws Exception {
    Map<?, ?> document = send("DOM.getDocument", Map.of());
    Object root = ((Map<?, ?>) document.get("root")).get("nodeId");
    Object node = send("DOM.querySelector", Map.of("nodeId", root, "selector", selector)).get("nodeId");
    send("DOM.setFileInputFiles", Map.of("nodeId", node, "files", List.of(file.toAbsolutePath().toString())));
  }

  /** A PNG of the page as it is drawn. */
  byte[] screenshot() throws Exception {
    String data = (String) send("Page.captureScreenshot", Map.of("format", "png")).get("data");
    return java.util.Base64.getDecoder().decode(data);
  }

  private void received(String text) {
    Map<?, ?> message = (Map<?, ?>) Json.parse(text);
    if (message.get("id") instanceof Number id) {
      CompletableFuture<Map<?, ?>> f = pending.remove(id.intValue());
      if (f != null) {
        f.complete(message);
      }
    }
  }

  @Override
  public void close() {
    socket.abort();
    destroy(process, profile);
  }

  private static void destroy(Process process, Path profile) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A profile file still held by a dying child process: the temp folder keeps it.
    }
  }

  /** Joins the parts of each text message and hands whole messages on. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Consumer<String> onMessage;
    private final StringBuilder partial = new StringBuilder();

    Listener(java.util.function.Consumer<String> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        onMessage.accept(message);
      }
      webSocket.request(1);
      return null;
    }
  }
}
