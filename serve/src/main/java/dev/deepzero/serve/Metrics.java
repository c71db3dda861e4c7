package dev.deepzero.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The server's counters, written in the Prometheus text exposition format 0.0.4: requests by endpoint and status
 * code, a request latency histogram by endpoint, batch sizes and batches run per model, and each model's queue
 * depth (read when scraped).
 */
final class Metrics {

  /** Latency bucket bounds in seconds (Prometheus client defaults plus a 1 ms bucket). */
  private static final double[] LATENCY_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
      5, 10};
  private static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128};

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  private final Map<String, Histogram> batchSizes = new ConcurrentHashMap<>();

  /** Counts one answered request. */
  void request(String endpoint, int status, long nanos) {
    requests.computeIfAbsent("endpoint=\"" + endpoint + "\",code=\"" + status + "\"", k -> new LongAdder())
        .increment();
    latency.computeIfAbsent("endpoint=\"" + endpoint + "\"", k -> new Histogram(LATENCY_BOUNDS))
        .observe(nanos / 1e9);
  }

  /** Counts one batch of {@code size} samples run by {@code model}. */
  void batch(String model, int size) {
    batchSizes.computeIfAbsent("model=\"" + model + "\"", k -> new Histogram(BATCH_BOUNDS)).observe(size);
  }

  /** The exposition text; {@code queueDepth} gives each model's waiting samples now. */
  String write(Iterable<String> models, ToLongFunction<String> queueDepth) {
    StringBuilder sb = new StringBuilder();
    sb.append("# HELP deepzero_requests_total HTTP requests answered, by endpoint and status code.\n");
    sb.append("# TYPE deepzero_requests_total counter\n");
    new TreeMap<>(requests).forEach((labels, count) ->
        sb.append("deepzero_requests_total{").append(labels).append("} ").append(count.sum()).append('\n'));
    histograms(sb, "deepzero_request_duration_seconds", "Time from reading a request to its answer, in seconds.",
        latency);
    histograms(sb, "deepzero_batch_size", "Samples per batch run through a model.", batchSizes);
    sb.append("# HELP deepzero_queue_depth Samples waiting for a batch, by model.\n");
    sb.append("# TYPE deepzero_queue_depth gauge\n");
    for (String model : models) {
      sb.append("deepzero_queue_depth{model=\"").append(model).append("\"} ")
          .append(queueDepth.applyAsLong(model)).append('\n');
    }
    return sb.toString();
  }

  private static void histograms(StringBuilder sb, String name, String help, Map<String, Histogram> byLabels) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" histogram\n");
    new TreeMap<>(byLabels).forEach((labels, h) -> h.write(sb, name, labels));
  }

  /** A cumulative histogram with fixed bucket bounds. */
  private static final class Histogram {
    private final double[] bounds;
    private final AtomicLong[] counts;
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new AtomicLong[bounds.length];
      for (int i = 0; i < bounds.length; i++) {
        counts[i] = new AtomicLong();
      }
    }

    void observe(double value) {
      for (int i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          counts[i].incrementAndGet();
          break;
        }
      }
      sum.add(value);
      count.increment();
    }

    void write(StringBuilder sb, String name, String labels) {
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += counts[i].get();
        sb.append(name).append("_bucket{").append(labels).append(",le=\"").append(number(bounds[i])).append("\"} ")
            .append(cumulative).append('\n');
      }
      long total = count.sum();
      sb.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
      sb.append(name).append("_sum{").append(labels).append("} ").append(number(sum.sum())).append('\n');
      sb.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
    }

    private static String number(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
  }
}
