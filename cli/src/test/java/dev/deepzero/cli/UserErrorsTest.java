package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's option and output probes: each is refused before any work, with exit status 2, one line naming
 * the option (with its valid range) or the file, and no stack trace unless --debug asks for it.
 */
class UserErrorsTest {

  @TempDir Path dir;

  /** The run of {@code args}, checked to fail as a user error whose one line contains {@code expected}. */
  private static CliRun refused(String expected, String... args) {
    CliRun r = CliRun.run(args);
    assertEquals(2, r.status(), r.all());
    assertTrue(r.err().startsWith("deepzero: ") && r.err().contains(expected), r.all());
    assertEquals(1, r.err().strip().lines().count(), r.all());
    assertFalse(r.err().contains("\tat ") || r.out().contains("epoch 1/"), r.all());
    return r;
  }

  @Test
  void outOfRangeOptionsAreRefusedWithTheirRange() {
    refused("--validation -0.5 is out of range: expected 0.0 <= value < 1.0", "train", "--embedded",
        "--validation", "-0.5");
    refused("--validation NaN is out of range", "train", "--embedded", "--validation", "NaN");
    refused("--augment -2 is out of range: expected 0 to 64", "train", "--embedded", "--augment", "-2");
    refused("--epochs 2147483647 is out of range: expected 1 to 1000000", "train", "--embedded", "--epochs",
        "2147483647");
    refused("--batches -5 is out of range: expected at least 1", "bench", "--batches", "-5");
    refused("--image-size height 50000 is out of range: expected 1 to 4096", "train", "--images",
        dir.toString(), "--image-size", "50000x50000");
    refused("--image-size must be HEIGHTxWIDTH", "train", "--images", dir.toString(), "--image-size", "ax1");
    refused("--top 0 is out of range", "predict", "--model", "m.safetensors", "--top", "0", "x.png");
    refused("--image-size 50000 is out of range", "detect-train", "--image-size", "50000");
  }

  @Test
  void aValidationFractionThatLeavesNothingToTrainOnIsRefused() {
    refused("--validation 0.9999 splits the 5000 training samples into 0 to train on", "train", "--embedded",
        "--validation", "0.9999", "--out", dir.resolve("run").toString());
  }

  @Test
  void aBatchThatCannotFitInTheHeapIsRefusedBeforeTraining() {
    CliRun r = refused("--batch-size 4000000: a training batch of 4500 samples", "train", "--embedded", "--model",
        "deep-cnn", "--batch-size",
        "4000000", "--out", dir.resolve("run").toString());
    assertTrue(r.err().contains("a batch size up to about"), r.all());
  }

  @Test
  void outputsThatCannotBeWrittenAreFoundBeforeAnyWork() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    refused(file.resolve("out") + ": cannot create the output folder", "train", "--embedded", "--out",
        file.resolve("out").toString());
    refused(file.resolve("out") + ": cannot create the output folder", "detect-train", "--out",
        file.resolve("out").toString());
    CliRun r = refused(file + ": cannot create the output folder", "evaluate", "no-model.safetensors",
        "--embedded", "--heatmap", file.resolve("cm.png").toString());
    assertFalse(r.out().contains("accuracy"), r.all());
  }

  @Test
  void fileSystemErrorsNameTheFileAndSayWhatWasExpected() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("a-folder"));
    refused(folder + ": is a folder, expected a safetensors file", "summary", folder.toString());
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("classes.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 'a', '\n'});
    refused(data.resolve("classes.txt") + ": not UTF-8 text", "detect-train", "--data", data.toString(),
        "--out", dir.resolve("run").toString());
  }

  @Test
  void maxPixelsRaisesTheImageLimitOrIsRefusedWithItsRange() {
    refused("--max-pixels -5 is out of range: expected a whole number of pixels, at least 1", "--max-pixels", "-5",
        "xor");
    refused("--max-pixels lots is out of range", "xor", "--max-pixels", "lots");
    try {
      CliRun r = CliRun.run("--max-pixels", "123456789", "xor");
      assertEquals(0, r.status(), r.all());
      assertEquals("123456789", System.getProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY));
      assertEquals(123456789L, Limits.maxImagePixels());
    } finally {
      System.clearProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY);
    }
  }

  @Test
  void debugShowsTheStackTrace() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("f"));
    CliRun plain = CliRun.run("summary", folder.toString());
    CliRun debug = CliRun.run("summary", folder.toString(), "--debug");
    assertEquals(2, debug.status(), debug.all());
    assertEquals(plain.err().strip(), debug.err().strip().lines().findFirst().orElseThrow(), debug.all());
    assertTrue(debug.err().contains("\tat "), debug.all());
    assertFalse(plain.err().contains("\tat "), plain.all());
  }
}
