package dev.deepzero.serve;

import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dynamic batching for one model: requests wait in a bounded queue; each worker thread takes the oldest, then
 * whatever else arrives within the batch delay, up to the batch size, and runs them through the model as one
 * batch.
 *
 * <p>Lifecycle: workers start in the constructor and run until {@link #close}, which lets them finish the queue
 * first. A request refused because the queue is full is the caller's to answer (503).
 */
final class Batcher implements AutoCloseable {

  /** One sample waiting for its prediction. */
  record Job(Tensor input, int[] size, CompletableFuture<ServedModel.Prediction> result) {}

  private final String name;
  private final ServedModel model;
  private final int batchSize;
  private final long maxDelayNanos;
  private final BlockingQueue<Job> queue;
  private final Metrics metrics;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicLong batches = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param workers inference threads, each running one batch at a time
   * @param batchSize the most samples in one batch
   * @param maxDelayNanos how long a worker holding a partial batch waits for more samples
   * @param capacity the most samples waiting
   */
  Batcher(String name, ServedModel model, int workers, int batchSize, long maxDelayNanos, int capacity,
      Metrics metrics) {
    this.name = name;
    this.model = model;
    this.batchSize = batchSize;
    this.maxDelayNanos = maxDelayNanos;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.metrics = metrics;
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::work, "deepzero-serve-" + name + "-" + i);
      t.setDaemon(true);
      t.start();
      this.workers.add(t);
    }
  }

  /**
   * Queues samples, all or none.
   *
   * @param inputs {@code [C, H, W]} each; Not modified
   * @param sizes each sample's {@code {width, height}}
   * @return one future per sample, or null when the queue has no room for all of them
   */
  List<CompletableFuture<ServedModel.Prediction>> submit(List<Tensor> inputs, List<int[]> sizes) {
    List<Job> jobs = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      jobs.add(new Job(inputs.get(i), sizes.get(i), new CompletableFuture<>()));
    }
    synchronized (queue) {
      // Under the lock so that two multi-sample requests cannot each take half of the last free places.
      if (closed || queue.remainingCapacity() < jobs.size()) {
        return null;
      }
      queue.addAll(jobs);
    }
    return jobs.stream().map(Job::result).toList();
  }

  /** Samples waiting. */
  int queueDepth() {
    return queue.size();
  }

  /** Batches run so far. */
  long batchesRun() {
    return batches.get();
  }

  private void work() {
    List<Job> batch = new ArrayList<>(batchSize);
    while (!(closed && queue.isEmpty())) {
      try {
        Job first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + maxDelayNanos;
        while (batch.size() < batchSize) {
          long left = deadline - System.nanoTime();
          Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        run(batch);
      } catch (InterruptedException e) {
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void run(List<Job> batch) {
    // A sample whose request timed out while it waited is not computed.
    batch.removeIf(job -> job.result().isDone());
    if (batch.isEmpty()) {
      return;
    }
    int n = batch.size();
    int sample = batch.get(0).input().size();
    int[] shape = batch.get(0).input().shape();
    float[] stacked = new float[n * sample];
    int[][] sizes = new int[n][];
    for (int i = 0; i < n; i++) {
      System.arraycopy(batch.get(i).input().data(), 0, stacked, i * sample, sample);
      sizes[i] = batch.get(i).size();
    }
    try {
      List<ServedModel.Prediction> out = model.predict(Tensor.wrap(stacked, n, shape[0], shape[1], shape[2]), sizes);
      batches.incrementAndGet();
      metrics.batch(name, n);
      for (int i = 0; i < n; i++) {
        batch.get(i).result().complete(out.get(i));
      }
    } catch (RuntimeException | Error e) {
      batch.forEach(job -> job.result().completeExceptionally(e));
    }
  }

  /** Refuses new samples, lets the workers finish the queue, and waits for them. */
  @Override
  public void close() {
    synchronized (queue) {
      closed = true;
    }
    for (Thread t : workers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
