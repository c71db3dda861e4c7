package dev.deepzero.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.deepzero.detect.Detection;
import dev.deepzero.io.Json;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every path the server answers, its status codes and its error contract: a refused request gets a status and
 * {@code {"error": "..."}} (KServe V2's form), except the health probes, whose status is the whole answer.
 * Each request is counted in the metrics and logged on one line with its latency.
 */
final class Router implements HttpHandler {

  /** A served model and its batcher. */
  record Endpoint(String name, ServedModel model, Batcher batcher) {}

  /** What a path answers, before it is sent. */
  private record Response(int status, String contentType, byte[] body, boolean close, String allow) {
    static Response json(int status, Object value) {
      return new Response(status, JSON, Json.write(value).getBytes(StandardCharsets.UTF_8), false, null);
    }

    static Response empty(int status) {
      return new Response(status, null, new byte[0], false, null);
    }
  }

  private static final String JSON = "application/json";
  private static final int TOP_CLASSES = 5;
  private static final long DISCARD_BYTES = 16L << 20;
  private static final List<String> IMAGE_TYPES = List.of("image/png", "image/jpeg", "application/octet-stream");

  private final Map<String, Endpoint> endpoints;
  private final ServerOptions options;
  private final Metrics metrics;
  private final byte[] page;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  Router(Map<String, Endpoint> endpoints, ServerOptions options, Metrics metrics) {
    this.endpoints = endpoints;
    this.options = options;
    this.metrics = metrics;
    try (InputStream in = Router.class.getResourceAsStream("index.html")) {
      this.page = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("the page index.html is missing from the jar", e);
    }
  }

  /** Refuses new requests from now on and waits up to {@code grace} for those in flight; true if they all ended. */
  boolean drain(Duration grace) {
    draining = true;
    long deadline = System.nanoTime() + grace.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return inFlight.get() == 0;
  }

  @Override
  public void handle(HttpExchange exchange) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    String[] parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    String endpoint = endpointLabel(parts);
    Response response;
    try {
      response = route(exchange, method, parts);
    } catch (ApiException e) {
      response = error(e.status(), e.getMessage(), e.allow());
    } catch (RuntimeException | Error e) {
      options.log().accept("deepzero serve: " + method + " " + path + " failed: " + e);
      response = error(500, "internal error: " + e.getClass().getSimpleName(), null);
    }
    try {
      send(exchange, response);
    } finally {
      long nanos = System.nanoTime() - start;
      metrics.request(endpoint, response.status(), nanos);
      options.log().accept(String.format(Locale.ROOT, "%s %s \"%s %s\" %d %dB %.1fms", Instant.now(),
          exchange.getRemoteAddress().getAddress().getHostAddress(), method,
          query == null ? path : path + "?" + query, response.status(),
          response.body().length, nanos / 1e6));
      inFlight.decrementAndGet();
    }
  }

  private Response route(HttpExchange exchange, String method, String[] p) {
    if (p.length == 0) {
      allow(method, "GET");
      return draining ? refused() : new Response(200, "text/html; charset=utf-8", page, false, null);
    }
    switch (p[0]) {
      case "ping":
        if (p.length == 1) {
          allow(method, "GET");
          return draining ? Response.json(503, Map.of("status", "Unhealthy")) : Response.json(200,
              Map.of("status", "Healthy"));
        }
        break;
      case "metrics":
        if (p.length == 1) {
          allow(method, "GET");
          return new Response(200, "text/plain; version=0.0.4; charset=utf-8", metrics.write(endpoints.keySet(),
              name -> endpoints.get(name).batcher().queueDepth()).getBytes(StandardCharsets.UTF_8), false, null);
        }
        break;
      case "models":
        if (p.length == 1) {
          allow(method, "GET");
          List<Object> list = new ArrayList<>();
          endpoints.forEach((name, e) -> list.add(Map.of("modelName", name, "kind",
              e.model().kind().name().toLowerCase(Locale.ROOT))));
          return Response.json(200, Map.of("models", list));
        }
        break;
      case "predictions":
        if (p.length == 2) {
          Endpoint e = endpoint(p[1]);
          allow(method, "POST");
          return draining ? refused() : predictions(exchange, e);
        }
        break;
      case "v2":
        return v2(exchange, method, p);
      default:
        break;
    }
    throw ApiException.notFound("no such path: /" + String.join("/", p));
  }

  private Response v2(HttpExchange exchange, String method, String[] p) {
    if (p.length == 1) {
      allow(method, "GET");
      Map<String, Object> server = new LinkedHashMap<>();
      server.put("name", "deepzero");
      server.put("version", "0.1.0");
      server.put("extensions", List.of());
      return Response.json(200, server);
    }
    if (p.length == 3 && p[1].equals("health") && (p[2].equals("live") || p[2].equals("ready"))) {
      allow(method, "GET");
      return Response.empty(p[2].equals("ready") && draining ? 503 : 200);
    }
    if (p.length >= 3 && p.length <= 4 && p[1].equals("models")) {
      if (p.length == 4 && p[3].equals("ready")) {
        allow(method, "GET");
        return Response.empty(!endpoints.containsKey(p[2]) ? 404 : draining ? 503 : 200);
      }
      if (p.length == 3) {
        Endpoint e = endpoint(p[2]);
        allow(method, "GET");
        return Response.json(200, V2Protocol.metadata(e.name(), e.model()));
      }
      if (p[3].equals("infer")) {
        Endpoint e = endpoint(p[2]);
        allow(method, "POST");
        if (draining) {
          return refused();
        }
        requireType(exchange, List.of(JSON), true);
        String body = new String(readBody(exchange), StandardCharsets.UTF_8);
        V2Protocol.Request request = V2Protocol.parse(body, e.model());
        return Response.json(200, V2Protocol.response(e.name(), request, e.model(),
            predict(e, request.samples(), request.sizes())));
      }
    }
    throw ApiException.notFound("no such path: /" + String.join("/", p));
  }

  private Response predictions(HttpExchange exchange, Endpoint e) {
    String type = requireType(exchange, List.of("image/png", "image/jpeg", "application/octet-stream",
        "multipart/form-data"), true);
    byte[] body = readBody(exchange);
    if (type.equals("multipart/form-data")) {
      body = Multipart.file(exchange.getRequestHeaders().getFirst("Content-Type"), body);
    }
    if (body.length == 0) {
      throw ApiException.badRequest("the body is empty: send a PNG or JPEG image");
    }
    var image = ImageBytes.decode(body);
    ServedModel.Prediction prediction = predict(e, List.of(e.model().preprocess(image)),
        List.of(new int[] {image.getWidth(), image.getHeight()})).get(0);
    List<String> names = e.model().classNames();
    List<Object> rows = new ArrayList<>();
    if (prediction instanceof ServedModel.Classes classes) {
      float[] p = classes.probabilities();
      Integer[] order = new Integer[p.length];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
      for (int i = 0; i < Math.min(TOP_CLASSES, p.length); i++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("className", names.get(order[i]));
        row.put("probability", p[order[i]]);
        rows.add(row);
      }
    } else {
      for (Detection d : ((ServedModel.Objects) prediction).detections()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("className", names.get(d.classId()));
        row.put("probability", (float) d.score());
        row.put("box", List.of((float) d.box().xmin(), (float) d.box().ymin(), (float) d.box().xmax(),
            (float) d.box().ymax()));
        rows.add(row);
      }
    }
    return Response.json(200, rows);
  }

  /** Queues the samples, waits for their predictions within the request timeout, and returns them in order. */
  private List<ServedModel.Prediction> predict(Endpoint e, List<Tensor> samples, List<int[]> sizes) {
    List<CompletableFuture<ServedModel.Prediction>> futures = e.batcher().submit(samples, sizes);
    if (futures == null) {
      throw ApiException.unavailable("the queue of model '" + e.name() + "' is full (" + options.queueCapacity()
          + " samples); try again later");
    }
    long deadline = System.nanoTime() + options.requestTimeout().toNanos();
    List<ServedModel.Prediction> out = new ArrayList<>(futures.size());
    try {
      for (CompletableFuture<ServedModel.Prediction> f : futures) {
        out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return out;
    } catch (TimeoutException ex) {
      // Cancelled samples still waiting are skipped by the batcher.
      futures.forEach(f -> f.cancel(false));
      throw ApiException.unavailable("no prediction within the request timeout of "
          + options.requestTimeout().toMillis() + " ms");
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(false));
      throw ApiException.unavailable("the server is stopping");
    } catch (ExecutionException ex) {
      throw new IllegalStateException("inference failed: " + ex.getCause(), ex.getCause());
    }
  }

  /** The answer to a request that arrives while the server drains. */
  private static Response refused() {
    return error(503, "the server is shutting down", null);
  }

  private Endpoint endpoint(String name) {
    Endpoint e = endpoints.get(name);
    if (e == null) {
      throw ApiException.notFound("no model named '" + name + "'; served: " + String.join(", ", endpoints.keySet()));
    }
    return e;
  }

  private static void allow(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw ApiException.methodNotAllowed(method, allowed);
    }
  }

  /**
   * The request's media type (lower case, without parameters) if it is one of {@code accepted}; a missing
   * Content-Type counts as the first of them when {@code missingOk}.
   *
   * @throws ApiException 415 otherwise
   */
  private static String requireType(HttpExchange exchange, List<String> accepted, boolean missingOk) {
    String header = exchange.getRequestHeaders().getFirst("Content-Type");
    if (header == null && missingOk) {
      return accepted.get(0);
    }
    String type = header == null ? "" : header.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!accepted.contains(type)) {
      throw new ApiException(415, "Content-Type " + (header == null ? "(none)" : "'" + header + "'")
          + " is not supported here; send one of " + accepted);
    }
    return type;
  }

  /**
   * The body, refused with 413 when it is longer than the limit: from its Content-Length before anything is
   * read, or after reading one byte past the limit when it is sent in chunks. A refused body of at most
   * {@value #DISCARD_BYTES} bytes is then read and dropped, so that closing the connection does not reset it
   * before the client has read the 413 (a socket closed with unread input sends a TCP reset); a larger one is not.
   */
  private byte[] readBody(HttpExchange exchange) {
    long max = options.maxRequestBytes();
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    long declared = -1;
    if (length != null) {
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("bad Content-Length: " + length);
      }
      if (declared > DISCARD_BYTES) {
        // Not even opened: closing the body stream would wait for bytes the client may never send.
        throw tooLarge(declared + " bytes");
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      if (declared > max) {
        discard(in);
        throw tooLarge(declared + " bytes");
      }
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (body.length > max) {
        discard(in);
        throw tooLarge("more than " + max + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the body: " + e.getMessage());
    }
  }

  private static void discard(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = DISCARD_BYTES;
    for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0; ) {
      left -= n;
    }
  }

  private ApiException tooLarge(String size) {
    return new ApiException(413, "the body is " + size + ", over the limit of " + options.maxRequestBytes()
        + " bytes (--max-request-bytes)");
  }

  /** An error answer; after a 413 the connection is closed, as the unread body cannot be skipped cheaply. */
  private static Response error(int status, String message, String allow) {
    return new Response(status, JSON, Json.write(Map.of("error", message)).getBytes(StandardCharsets.UTF_8),
        status == 413, allow);
  }

  private void send(HttpExchange exchange, Response response) {
    try (exchange) {
      var headers = exchange.getResponseHeaders();
      if (response.contentType() != null) {
        headers.set("Content-Type", response.contentType());
      }
      headers.set("X-Content-Type-Options", "nosniff");
      if (response.allow() != null) {
        headers.set("Allow", response.allow());
      }
      if (response.close() || draining) {
        headers.set("Connection", "close");
      }
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      // The client went away; there is nobody to answer.
    }
  }

  /** A bounded set of metric labels: the kind of endpoint, never the raw path. */
  private static String endpointLabel(String[] p) {
    if (p.length == 0) {
      return "page";
    }
    return switch (p[0]) {
      case "ping", "metrics", "models", "predictions" -> p[0];
      case "v2" -> p.length >= 4 && p[1].equals("models") ? (p[3].equals("infer") ? "infer" : "model_ready")
          : p.length == 3 && p[1].equals("models") ? "model_metadata" : p.length >= 2 && p[1].equals("health")
          ? "health" : "server_metadata";
      default -> "other";
    };
  }
}
