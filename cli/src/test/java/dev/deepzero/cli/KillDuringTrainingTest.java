package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.io.AtomicFiles;
import dev.deepzero.io.Checkpoint;
import dev.deepzero.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during a real training run, in its own JVM, alternately the moment a save has begun (its
 * temporary file appears) and a seeded random time after: each time the model file must be absent or complete
 * (it loads, every tensor present); at least one kill must land inside a save; and a last {@code --resume} must
 * finish the run, with one metrics row per epoch, and leave no temporary file behind.
 *
 * <p>The run is tiny (the MLP on forty 8 x 8 pictures, a checkpoint after each of {@value #EPOCHS} epochs), so
 * saves come every few milliseconds and each round costs about a JVM start.
 */
class KillDuringTrainingTest {

  private static final int EPOCHS = 30;
  private static final int KILLS = 4;
  private static final Duration LIMIT = Duration.ofSeconds(40);

  @TempDir
  Path dir;

  @Test
  void aKilledRunLeavesACompleteModelOrNoneAndResumesToTheEnd() throws Exception {
    Path images = TestImages.folder(dir.resolve("images"), 20);
    Path out = dir.resolve("run");
    Path model = out.resolve("model.safetensors");
    Random random = new Random(20261203);
    List<String> log = new ArrayList<>();
    boolean killedDuringSave = false;
    for (int kill = 0; kill < KILLS; kill++) {
      if (Files.exists(model) && Checkpoint.load(model).state().epoch() == EPOCHS) {
        break;
      }
      List<Path> before = tempFiles(out);
      Process p = CliProcess.start(dir.resolve("kill-" + kill), List.of(), train(images, out, model));
      // Every kill waits for a save to begin, so that each round lands somewhere new: at once (inside the
      // save), or after a random delay (mostly mid-way through the next epoch, sometimes in its save).
      awaitNewTempFile(out, before, p);
      boolean duringSave = kill % 2 == 0;
      if (!duringSave) {
        Thread.sleep(random.nextInt(200));
      }
      p.destroyForcibly().waitFor();
      List<Path> temps = tempFiles(out);
      killedDuringSave |= duringSave && temps.size() > before.size();
      log.add("kill " + kill + (duringSave ? " at a save" : " after a random delay") + ": model "
          + (Files.exists(model) ? "at epoch " + checkComplete(model) : "absent") + ", " + temps.size()
          + " temp files");
    }
    assertTrue(killedDuringSave, "no kill landed during a save: " + log);

    CliProcess last = CliProcess.run(dir.resolve("last"), LIMIT, train(images, out, model));
    assertEquals(0, last.status(), log + "\n" + last.all());
    assertEquals(EPOCHS, Checkpoint.load(model).state().epoch(), log.toString());
    assertEquals(List.of(), tempFiles(out), "the temporary files of killed saves are left behind: " + log);
    List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(EPOCHS, rows.size() - 1, "one metrics row per epoch: " + rows);
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      assertTrue(rows.get(epoch).startsWith(epoch + ","), "row " + epoch + " is " + rows.get(epoch));
    }
  }

  /** A fresh run, or a resumed one once a model file exists. */
  private static List<String> train(Path images, Path out, Path model) {
    List<String> args = new ArrayList<>(List.of("train", "--images", images.toString(), "--image-size", "8x8",
        "--model", "mlp", "--epochs", String.valueOf(EPOCHS), "--batch-size", "8", "--validation", "0.25",
        "--out", out.toString()));
    if (Files.exists(model)) {
      args.addAll(List.of("--resume", model.toString()));
    }
    return args;
  }

  /** Loads {@code model} as a model and as a checkpoint (every tensor must be there); returns its epoch. */
  private static int checkComplete(Path model) throws IOException {
    ModelFile.load(model);
    return Checkpoint.load(model).state().epoch();
  }

  /**
   * Waits (polling every millisecond) until a temporary file that was not in {@code before} appears in
   * {@code out}: a save has begun. Returns early if the run ends or outlives the time limit.
   */
  private static void awaitNewTempFile(Path out, List<Path> before, Process p) throws IOException,
      InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (p.isAlive() && System.nanoTime() < deadline && before.containsAll(tempFiles(out))) {
      p.waitFor(1, TimeUnit.MILLISECONDS);
    }
  }

  private static List<Path> tempFiles(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(f -> f.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).toList();
    }
  }
}
