package dev.deepzero.train;

import dev.deepzero.data.Dataset;
import dev.deepzero.io.Checkpoint;
import dev.deepzero.io.Json;
import dev.deepzero.loss.Loss;
import dev.deepzero.nn.Layer;
import dev.deepzero.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A training run that survives interruptions, as the training commands (and any other front end) run it: a
 * {@link Checkpoint} after every epoch, and one when a listener stops training mid-epoch that records exactly
 * where (epoch and batch, and what that epoch had measured); {@link #resume} continues from it, with the same
 * learning-rate schedule and the metrics rows of the epochs before, so that an interrupted and resumed run
 * ends with the same weights, bit for bit, and the same rows as an uninterrupted one (its seconds apart).
 *
 * <p>Besides the caller's metadata, the checkpoint holds {@value #SCHEDULE_KEY} (the
 * {@link LearningRateSchedule#spec()}), {@value #METRICS_KEY} (one caller-formatted line per completed
 * epoch, added with {@link #addMetricsRow}) and, after a mid-epoch stop, {@value #STOPPED_KEY}: a JSON object
 * {@code {"epoch", "batch", "loss_sum", "right", "seen", "classification"}} (see {@link Trainer.Position}).
 */
public final class TrainingRun {

  /** The metadata key of the schedule. */
  public static final String SCHEDULE_KEY = "lr_schedule";
  /** The metadata key of the metrics rows, one line per completed epoch. */
  public static final String METRICS_KEY = "metrics_csv";
  /** The metadata key of a mid-epoch stop's position. */
  public static final String STOPPED_KEY = "stopped_at";

  private final Layer model;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final long seed;
  private final int batchSize;
  private final Trainer.Position start;
  private final List<String> metricsRows;
  private final Map<String, String> metadata;
  private Trainer.Position stoppedAt;

  private TrainingRun(Layer model, Optimizer optimizer, LearningRateSchedule schedule, long seed, int batchSize,
      Trainer.Position start, List<String> metricsRows, Map<String, String> metadata) {
    this.model = model;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.seed = seed;
    this.batchSize = batchSize;
    this.start = start;
    this.metricsRows = new ArrayList<>(metricsRows);
    this.metadata = new LinkedHashMap<>(metadata);
  }

  /** A new run from epoch 1. */
  public static TrainingRun start(Layer model, Optimizer optimizer, LearningRateSchedule schedule, long seed,
      int batchSize) {
    return new TrainingRun(model, optimizer, schedule, seed, batchSize, Trainer.Position.startOf(1), List.of(),
        Map.of());
  }

  /**
   * The run a checkpoint of {@link #fit} left off: its model, optimizer, schedule, seed, batch size, position,
   * metrics rows and metadata.
   *
   * @param rng seeds the layers that draw random numbers (the trainer reseeds them at every epoch)
   * @throws IllegalArgumentException naming the file: everything {@link Checkpoint#load} rejects, or a
   *     malformed schedule or stop position
   */
  public static TrainingRun resume(Path file, SplittableRandom rng) throws IOException {
    Checkpoint.Loaded checkpoint = Checkpoint.load(file, rng);
    Optimizer optimizer = checkpoint.restoreOptimizer();
    Map<String, String> meta = new LinkedHashMap<>(checkpoint.metadata());
    Checkpoint.TrainingState state = checkpoint.state();
    LearningRateSchedule schedule;
    try {
      String spec = meta.remove(SCHEDULE_KEY);
      schedule = spec == null ? LearningRateSchedule.constant(optimizer.learningRate())
          : LearningRateSchedule.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": metadata '" + SCHEDULE_KEY + "': " + e.getMessage(), e);
    }
    List<String> rows = new ArrayList<>();
    String metrics = meta.remove(METRICS_KEY);
    if (metrics != null) {
      metrics.lines().filter(l -> !l.isBlank()).forEach(rows::add);
    }
    String stopped = meta.remove(STOPPED_KEY);
    Trainer.Position start;
    if (state.epoch() >= Trainer.MAX_EPOCHS) {
      throw new IllegalArgumentException(file + ": checkpoint after epoch " + state.epoch() + ", but a run has at"
          + " most " + Trainer.MAX_EPOCHS + " epochs");
    }
    start = stopped == null ? Trainer.Position.startOf(state.epoch() + 1) : position(file, stopped, state.epoch());
    return new TrainingRun(checkpoint.model(), optimizer, schedule, state.seed(), state.batchSize(), start, rows,
        meta);
  }

  private static Trainer.Position position(Path file, String json, int completed) {
    try {
      if (!(Json.parse(json) instanceof Map<?, ?> m) || !(m.get("epoch") instanceof Long epoch)
          || !(m.get("batch") instanceof Long batch) || !(m.get("loss_sum") instanceof Number lossSum)
          || !(m.get("right") instanceof Long right) || !(m.get("seen") instanceof Long seen)
          || !(m.get("classification") instanceof Boolean classification)) {
        throw new IllegalArgumentException("expected {\"epoch\", \"batch\", \"loss_sum\", \"right\", \"seen\","
            + " \"classification\"}");
      }
      if (epoch != completed + 1 || batch > Integer.MAX_VALUE || seen > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("epoch " + epoch + " does not follow the " + completed
            + " completed, or a count is out of range");
      }
      return new Trainer.Position(epoch.intValue(), batch.intValue(), lossSum.doubleValue(), right,
          seen.intValue(), classification);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": metadata '" + STOPPED_KEY + "': " + e.getMessage(), e);
    }
  }

  /** The model being trained. */
  public Layer model() {
    return model;
  }

  /** Its optimizer. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The learning-rate schedule. */
  public LearningRateSchedule schedule() {
    return schedule;
  }

  /** The seed of the sample order. */
  public long seed() {
    return seed;
  }

  /** Samples per step. */
  public int batchSize() {
    return batchSize;
  }

  /** Where {@link #fit} starts: epoch 1, or where the checkpoint left off. */
  public Trainer.Position start() {
    return start;
  }

  /** The caller's metadata read from the checkpoint (empty for a new run), without this class's keys. */
  public Map<String, String> metadata() {
    return Map.copyOf(metadata);
  }

  /** The metrics rows so far, one per completed epoch. */
  public List<String> metricsRows() {
    return List.copyOf(metricsRows);
  }

  /** Adds the row of the epoch just completed; call it from a listener's {@code onEpochEnd}. */
  public void addMetricsRow(String row) {
    metricsRows.add(row);
  }

  /** Where a listener stopped training mid-epoch, or null if it ran to the end (or stopped at an epoch end). */
  public Trainer.Position stoppedAt() {
    return stoppedAt;
  }

  /**
   * Trains to the end of epoch {@code epochs}, writing {@code file} after every epoch and at a mid-epoch stop.
   * {@code listeners} are called before the checkpoint is written, so a row added in {@code onEpochEnd} is in
   * it.
   *
   * @param metadata saved in every checkpoint with this class's keys; Not modified
   * @throws IllegalArgumentException if the run already has {@code epochs} epochs, or a batch would not fit in
   *     the heap ({@link TrainingMemory#check})
   * @throws UncheckedIOException naming the file if a checkpoint cannot be written
   */
  public List<EpochStats> fit(Loss loss, Dataset train, Dataset validation, int epochs, Path file,
      Map<String, String> metadata, List<TrainingListener> listeners) {
    if (start.epoch() > epochs) {
      throw new IllegalArgumentException("the run already has " + (start.epoch() - 1) + " epochs; ask for more"
          + " epochs in all to train on");
    }
    TrainingMemory.check(model, train.inputShape(), Math.min(batchSize, train.size()));
    Trainer trainer = new Trainer(model, loss, optimizer).schedule(schedule);
    listeners.forEach(trainer::addListener);
    trainer.addListener(new TrainingListener() {
      @Override
      public void onEpochEnd(EpochStats stats) {
        save(file, metadata, stats.epoch(), null);
      }

      @Override
      public void onStop(Trainer.Position position) {
        stoppedAt = position;
        save(file, metadata, position.epoch() - 1, position);
      }
    });
    return trainer.fit(train, validation, new Trainer.Config(epochs, batchSize, seed, true), start);
  }

  private void save(Path file, Map<String, String> callerMetadata, int completed, Trainer.Position stop) {
    Map<String, String> all = new LinkedHashMap<>(callerMetadata);
    all.put(SCHEDULE_KEY, schedule.spec());
    all.put(METRICS_KEY, String.join("\n", metricsRows));
    if (stop != null) {
      Map<String, Object> at = new LinkedHashMap<>();
      at.put("epoch", stop.epoch());
      at.put("batch", stop.batch());
      at.put("loss_sum", stop.lossSum());
      at.put("right", stop.right());
      at.put("seen", stop.seen());
      at.put("classification", stop.classification());
      all.put(STOPPED_KEY, Json.write(at));
    }
    try {
      Checkpoint.save(file, model, optimizer, new Checkpoint.TrainingState(completed, seed, batchSize, true), all);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save " + file + ": " + e.getMessage(), e);
    }
  }
}
