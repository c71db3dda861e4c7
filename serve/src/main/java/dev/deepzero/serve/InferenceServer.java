package dev.deepzero.serve;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An HTTP inference server for deepzero classifiers and detectors, to start from a Java program or from
 * {@code deepzero serve}.
 *
 * <pre>{@code
 * try (InferenceServer server = InferenceServer.start(Map.of("fashion", Path.of("model.safetensors")),
 *     ServerOptions.defaults().withPort(0))) {
 *   System.out.println("serving on " + server.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>Endpoints: KServe V2 ({@code GET /v2/health/live}, {@code /v2/health/ready}, {@code /v2},
 * {@code /v2/models/{name}}, {@code /v2/models/{name}/ready}, {@code POST /v2/models/{name}/infer}); the
 * TorchServe/DJL paths ({@code POST /predictions/{name}} with an image, {@code GET /ping}, {@code GET /models});
 * Prometheus text at {@code GET /metrics}; a web page at {@code GET /}. See {@link V2Protocol} for the tensors.
 *
 * <p>Lifecycle: {@link #start} loads the models and listens; {@link #stop} (and {@link #close}) refuses new
 * requests with 503, lets those in flight finish within a grace period, then closes the port and the workers.
 * Requests are handled on a pool of threads sized so that every queued sample can have a waiting request.
 */
public final class InferenceServer implements AutoCloseable {

  /** Model names are used in URL paths and metric labels as they are, so they are kept to these characters. */
  public static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** How long {@link #close} lets requests in flight finish. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  // Handler threads beyond those that can wait on queued samples: for health probes, metrics and the page.
  private static final int SPARE_HANDLERS = 8;

  private final Map<String, Router.Endpoint> endpoints;
  private final ServerOptions options;
  private final HttpServer http;
  private final ExecutorService handlers;
  private final Router router;
  private final Object stopLock = new Object();
  private boolean stopped;

  private InferenceServer(Map<String, ServedModel> models, ServerOptions options) throws IOException {
    this.options = options;
    Metrics metrics = new Metrics();
    Map<String, Router.Endpoint> byName = new LinkedHashMap<>();
    models.forEach((name, model) -> byName.put(name, new Router.Endpoint(name, model, new Batcher(name, model,
        options.workers(), options.batchSize(), options.maxBatchDelay().toNanos(), options.queueCapacity(),
        metrics))));
    this.endpoints = Collections.unmodifiableMap(byName);
    int threads = models.size() * (options.queueCapacity() + options.workers() * options.batchSize())
        + SPARE_HANDLERS;
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "deepzero-serve-http");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.handlers = pool;
    this.router = new Router(endpoints, options, metrics);
    try {
      http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
    } catch (IOException e) {
      endpoints.values().forEach(endpoint -> endpoint.batcher().close());
      throw new IOException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    http.createContext("/", router);
    http.setExecutor(handlers);
    http.start();
  }

  /**
   * Loads the models and starts serving them.
   *
   * @param models model name (see {@link #MODEL_NAME}) to model file, a classifier or a detector
   * @throws IOException if a model cannot be loaded or the address cannot be bound
   * @throws IllegalArgumentException for no models or a bad name
   */
  public static InferenceServer start(Map<String, Path> models, ServerOptions options) throws IOException {
    Map<String, ServedModel> loaded = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : checkNames(models).entrySet()) {
      loaded.put(e.getKey(), ServedModels.load(e.getValue()));
    }
    return new InferenceServer(loaded, options);
  }

  /** Starts serving models already loaded, for tests. */
  static InferenceServer startLoaded(Map<String, ServedModel> models, ServerOptions options) throws IOException {
    return new InferenceServer(checkNames(models), options);
  }

  private static <T> Map<String, T> checkNames(Map<String, T> models) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("serve: no models given");
    }
    for (String name : models.keySet()) {
      if (!MODEL_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("serve: model name '" + name + "' must match " + MODEL_NAME.pattern());
      }
    }
    return models;
  }

  /** The port listened on (the one chosen when the options asked for port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** The server's base address, such as {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String host = http.getAddress().getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  /** The names of the models served, in the order given. */
  public java.util.Set<String> models() {
    return endpoints.keySet();
  }

  /**
   * How many batches a model has run: with dynamic batching, fewer than the samples it has predicted.
   *
   * @throws IllegalArgumentException for a name not served
   */
  public long batchesRun(String model) {
    Router.Endpoint endpoint = endpoints.get(model);
    if (endpoint == null) {
      throw new IllegalArgumentException("serve: no model named '" + model + "'");
    }
    return endpoint.batcher().batchesRun();
  }

  /**
   * Stops gracefully: new requests are answered 503 (their connections closed), requests in flight get up to
   * {@code grace} to finish, then the port is closed and the workers stop. Calling it again does nothing.
   *
   * @return whether every request in flight finished within the grace period
   */
  public boolean stop(Duration grace) {
    synchronized (stopLock) {
      if (stopped) {
        return true;
      }
      stopped = true;
      boolean drained = router.drain(grace);
      http.stop(0);
      endpoints.values().forEach(endpoint -> endpoint.batcher().close());
      handlers.shutdownNow();
      options.log().accept("deepzero serve: stopped" + (drained ? "" : " (requests still in flight were cut)"));
      return drained;
    }
  }

  /** {@link #stop} with {@link #DEFAULT_GRACE}. */
  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }
}
