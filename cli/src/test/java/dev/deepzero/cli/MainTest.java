package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The command line through {@link Main#run}, with System.out and System.err captured. */
class MainTest {

  @Test
  void xorLearnsAndPrintsTheLossEveryHundredEpochs() {
    CliRun r = CliRun.run("xor");
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
    CliRun r = CliRun.run("xor", "--epochs", "2", "--lr", "0.000001", "--print-every", "1");
    assertEquals(1, r.status(), r.out());
    assertTrue(r.out().contains("Epoch 2, Loss: ") && r.out().contains("did not learn XOR"), r.out());
  }

  @Test
  void xorWithABadOptionValueIsAUsageError() {
    CliRun r = CliRun.run("xor", "--epochs", "many");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--epochs") && r.err().contains("many"), r.err());
  }

  @Test
  void xorWithAnInvalidSettingShowsTheMessageNotAStackTrace() {
    CliRun r = CliRun.run("xor", "--print-every", "0");
    assertEquals(2, r.status(), r.out() + r.err());
    assertTrue(r.err().startsWith("deepzero: ") && r.err().contains("interval"), r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void gradcheckPassesEveryCheck() {
    CliRun r = CliRun.run("gradcheck", "--seed", "3");
    assertEquals(0, r.status(), r.out());
    assertTrue(r.out().contains(", 0 failed"), r.out());
    assertTrue(!r.out().contains("FAILED"), r.out());
    for (String name : new String[] {"Linear", "BatchNorm", "Softmax", "loss softmax_cross_entropy"}) {
      assertTrue(r.out().contains(name), name + " in\n" + r.out());
    }
  }

  @Test
  void helpListsTheSubcommands() {
    CliRun r = CliRun.run("--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("Usage: deepzero"), r.out());
    assertTrue(r.out().contains("xor") && r.out().contains("gradcheck"), r.out());
    CliRun bare = CliRun.run();
    assertEquals(0, bare.status());
    assertTrue(bare.out().contains("xor") && bare.out().contains("gradcheck"), bare.out());
  }

  @Test
  void subcommandHelpListsItsOptions() {
    CliRun r = CliRun.run("xor", "--help");
    assertEquals(0, r.status());
    for (String option : new String[] {"--epochs", "--lr", "--seed", "--print-every"}) {
      assertTrue(r.out().contains(option), option + " in\n" + r.out());
    }
    assertTrue(r.out().contains("default: 1000"), r.out());
  }

  @Test
  void versionIsPrinted() {
    CliRun r = CliRun.run("--version");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("deepzero 0.1.0"), r.out());
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    CliRun r = CliRun.run("train-yolo");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("train-yolo"), r.err());
  }
}
