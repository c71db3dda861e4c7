package dev.deepzero.cli;

import dev.deepzero.serve.InferenceServer;
import dev.deepzero.serve.ServerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepzero serve}: the command-line face of {@link InferenceServer}. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serve classifiers and detectors over HTTP: KServe V2 (/v2/...), TorchServe-style"
        + " /predictions/NAME and /ping, Prometheus /metrics, and a web page at / to try a model.",
        "SIGTERM or Ctrl-C stops gracefully: new requests get 503, those in flight finish."})
final class ServeCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "MODEL",
      description = "Model files from 'deepzero train' or 'detect-train', each served under its file name without"
          + " the extension, or NAME=FILE.")
  List<String> models;

  @Option(names = "--port", defaultValue = "8080",
      description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 serves every"
          + " network).")
  String host;

  @Option(names = "--workers", defaultValue = "1",
      description = "Inference threads per model (default: ${DEFAULT-VALUE}; each batch already uses every core).")
  int workers;

  @Option(names = "--batch-size", defaultValue = "8",
      description = "Most requests run as one batch; 1 turns batching off (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-batch-delay", defaultValue = "5", paramLabel = "MS",
      description = "How long a partial batch waits for more requests, in ms (default: ${DEFAULT-VALUE}).")
  long maxBatchDelay;

  @Option(names = "--queue", defaultValue = "100",
      description = "Most images waiting per model; more are answered 503 (default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--max-request-bytes", defaultValue = "8388608", paramLabel = "BYTES",
      description = "Largest request body; larger ones are answered 413 unread (default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(names = "--timeout", defaultValue = "30000", paramLabel = "MS",
      description = "How long a request may wait for its prediction before it is answered 503 (default:"
          + " ${DEFAULT-VALUE}).")
  long timeout;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Map<String, Path> named = new LinkedHashMap<>();
    for (String model : models) {
      int eq = model.indexOf('=');
      Path file = Path.of(eq > 0 ? model.substring(eq + 1) : model);
      String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
      String name = eq > 0 ? model.substring(0, eq) : stem;
      if (named.put(name, file) != null) {
        throw new IllegalArgumentException("two models are named '" + name + "'; name them with NAME=FILE");
      }
    }
    // The JDK's HTTP server reads these once; without them a client that sends half a request holds a thread.
    System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "60"));
    System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "60"));
    ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port).withWorkers(workers)
        .withBatching(batchSize, Duration.ofMillis(maxBatchDelay)).withQueueCapacity(queue)
        .withMaxRequestBytes(maxRequestBytes).withRequestTimeout(Duration.ofMillis(timeout));
    InferenceServer server = InferenceServer.start(named, options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("deepzero serve: stopping; letting requests in flight finish");
      server.close();
      stopped.countDown();
    }, "deepzero-serve-stop"));
    System.err.println("deepzero serve: " + String.join(", ", server.models()) + " on " + server.uri()
        + " (page at " + server.uri() + ", KServe V2 at " + server.uri() + "v2)");
    stopped.await();
    return 0;
  }
}
