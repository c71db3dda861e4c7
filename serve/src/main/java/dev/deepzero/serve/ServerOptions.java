package dev.deepzero.serve;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How an {@link InferenceServer} listens, batches and limits requests. {@link #defaults()} gives the values the
 * command line uses; the {@code with...} methods change one each.
 *
 * @param host the address to bind, {@code 127.0.0.1} by default: serving to other machines is a choice
 * @param port the TCP port, 0 for any free one
 * @param workers inference threads per model, each running one batch at a time
 * @param batchSize the most samples run as one batch; 1 turns batching off
 * @param maxBatchDelay how long a worker holding fewer than {@code batchSize} samples waits for more
 * @param queueCapacity the most samples waiting per model; a request that does not fit is answered 503
 * @param maxRequestBytes the largest request body; a larger one is answered 413 before it is read
 * @param requestTimeout how long a request may wait for its prediction before it is answered 503
 * @param log receives one line per request (and start-up and shutdown notes)
 */
public record ServerOptions(String host, int port, int workers, int batchSize, Duration maxBatchDelay,
    int queueCapacity, long maxRequestBytes, Duration requestTimeout, Consumer<String> log) {

  /** Checks the values, naming the bad one. */
  public ServerOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("serve: host must be given");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("serve: port must be in [0, 65535], got " + port);
    }
    if (workers < 1 || batchSize < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("serve: workers, batch size and queue must be at least 1, got " + workers
          + ", " + batchSize + " and " + queueCapacity);
    }
    if (maxBatchDelay == null || maxBatchDelay.isNegative() || requestTimeout == null || requestTimeout.isNegative()
        || requestTimeout.isZero()) {
      throw new IllegalArgumentException("serve: the batch delay must be >= 0 and the request timeout > 0, got "
          + maxBatchDelay + " and " + requestTimeout);
    }
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException("serve: the request size limit must be positive, got " + maxRequestBytes);
    }
    if (log == null) {
      throw new IllegalArgumentException("serve: log must be given (use s -> { } for none)");
    }
  }

  /**
   * 127.0.0.1:8080, one worker per model, batches of up to 8 samples gathered within 5 ms, 100 waiting samples,
   * bodies up to 8 MiB, a 30 s timeout, the log on standard error.
   */
  public static ServerOptions defaults() {
    return new ServerOptions("127.0.0.1", 8080, 1, 8, Duration.ofMillis(5), 100, 8L << 20, Duration.ofSeconds(30),
        System.err::println);
  }

  public ServerOptions withHost(String value) {
    return new ServerOptions(value, port, workers, batchSize, maxBatchDelay, queueCapacity, maxRequestBytes,
        requestTimeout, log);
  }

  public ServerOptions withPort(int value) {
    return new ServerOptions(host, value, workers, batchSize, maxBatchDelay, queueCapacity, maxRequestBytes,
        requestTimeout, log);
  }

  public ServerOptions withWorkers(int value) {
    return new ServerOptions(host, port, value, batchSize, maxBatchDelay, queueCapacity, maxRequestBytes,
        requestTimeout, log);
  }

  public ServerOptions withBatching(int size, Duration maxDelay) {
    return new ServerOptions(host, port, workers, size, maxDelay, queueCapacity, maxRequestBytes, requestTimeout,
        log);
  }

  public ServerOptions withQueueCapacity(int value) {
    return new ServerOptions(host, port, workers, batchSize, maxBatchDelay, value, maxRequestBytes, requestTimeout,
        log);
  }

  public ServerOptions withMaxRequestBytes(long value) {
    return new ServerOptions(host, port, workers, batchSize, maxBatchDelay, queueCapacity, value, requestTimeout,
        log);
  }

  public ServerOptions withRequestTimeout(Duration value) {
    return new ServerOptions(host, port, workers, batchSize, maxBatchDelay, queueCapacity, maxRequestBytes, value,
        log);
  }

  public ServerOptions withLog(Consumer<String> value) {
    return new ServerOptions(host, port, workers, batchSize, maxBatchDelay, queueCapacity, maxRequestBytes,
        requestTimeout, value);
  }
}
