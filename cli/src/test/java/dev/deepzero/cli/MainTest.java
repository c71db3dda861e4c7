package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line through {@link Main#run}, with System.out and System.err captured. */
class MainTest {

  /**
   * What one run printed and returned.
   *
   * @param status the exit status
   * @param out standard output
   * @param err standard error
   */
  record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int status = Main.run(args);
      System.out.flush();
      System.err.flush();
      return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void xorLearnsAndPrintsTheLossEveryHundredEpochs() {
    Run r = run("xor");
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("Epoch 1, Loss: "), r.out());
    for (int epoch = 100; epoch <= 1000; epoch += 100) {
      assertTrue(r.out().contains("Epoch " + epoch + ", Loss: "), "epoch " + epoch + " in\n" + r.out());
    }
    assertTrue(!r.out().contains("Epoch 150,"), r.out());
    assertTrue(r.out().contains("learned XOR"), r.out());
    assertTrue(r.out().contains("x1  x2 | target | prediction"), r.out());
  }

  @Test
  void xorThatDoesNotLearnExitsWithOne() {
    Run r = run("xor", "--epochs", "2", "--lr", "0.000001", "--print-every", "1");
    assertEquals(1, r.status(), r.out());
    assertTrue(r.out().contains("Epoch 2, Loss: ") && r.out().contains("did not learn XOR"), r.out());
  }

  @Test
  void xorWithABadOptionValueIsAUsageError() {
    Run r = run("xor", "--epochs", "many");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--epochs") && r.err().contains("many"), r.err());
  }

  @Test
  void xorWithAnInvalidSettingShowsTheMessageNotAStackTrace() {
    Run r = run("xor", "--print-every", "0");
    assertEquals(2, r.status(), r.out() + r.err());
    assertTrue(r.err().startsWith("deepzero: ") && r.err().contains("interval"), r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void gradcheckPassesEveryCheck() {
    Run r = run("gradcheck", "--seed", "3");
    assertEquals(0, r.status(), r.out());
    assertTrue(r.out().contains(", 0 failed"), r.out());
    assertTrue(!r.out().contains("FAILED"), r.out());
    for (String name : new String[] {"Linear", "BatchNorm", "Softmax", "loss softmax_cross_entropy"}) {
      assertTrue(r.out().contains(name), name + " in\n" + r.out());
    }
  }

  @Test
  void helpListsTheSubcommands() {
    Run r = run("--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("Usage: deepzero"), r.out());
    assertTrue(r.out().contains("xor") && r.out().contains("gradcheck"), r.out());
    Run bare = run();
    assertEquals(0, bare.status());
    assertTrue(bare.out().contains("xor") && bare.out().contains("gradcheck"), bare.out());
  }

  @Test
  void subcommandHelpListsItsOptions() {
    Run r = run("xor", "--help");
    assertEquals(0, r.status());
    for (String option : new String[] {"--epochs", "--lr", "--seed", "--print-every"}) {
      assertTrue(r.out().contains(option), option + " in\n" + r.out());
    }
    assertTrue(r.out().contains("default: 1000"), r.out());
  }

  @Test
  void versionIsPrinted() {
    Run r = run("--version");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("deepzero 0.1.0"), r.out());
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    Run r = run("train-yolo");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("train-yolo"), r.err());
  }
}
