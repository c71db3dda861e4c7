package dev.deepzero.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.train.LossPrinter;
import dev.deepzero.train.TrainingListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XorTest {

  // Seed 2 is left out on purpose, see seedTwoLeavesThePlateauLaterAndLearnsWithin2000Epochs.
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 3, 4, 5, 6, 7, 8})
  void learnsXorWithTheArticlesSettings(long seed) {
    Xor.Result result = Xor.train(seed, Xor.EPOCHS, Xor.LEARNING_RATE, new TrainingListener() { });
    assertTrue(result.learned(), "seed " + seed + ": predictions " + result.predictions() + ", final loss "
        + result.history().get(result.history().size() - 1).trainLoss());
    assertEquals(Xor.EPOCHS, result.history().size());
    assertTrue(result.history().get(Xor.EPOCHS - 1).trainLoss() < result.history().get(0).trainLoss());
  }

  /**
   * With seed 2 the small LeCun-normal weights leave every hidden sigmoid near its midpoint, so the output sits
   * at 0.5 and the MSE on the plateau at 0.25 for about 800 epochs (0.2500 at epoch 500, 0.2471 at 800,
   * 0.2062 at 1000) before it drops to 0 by epoch 1500. That is the known XOR saddle, not a bug: the same
   * settings learn with 19 of the seeds 1..20 in 1000 epochs, and with all 20 in 2000.
   */
  @Test
  void seedTwoLeavesThePlateauLaterAndLearnsWithin2000Epochs() {
    Xor.Result result = Xor.train(2, 2 * Xor.EPOCHS, Xor.LEARNING_RATE, new TrainingListener() { });
    assertTrue(result.learned(), result.predictions().toString());
  }

  @Test
  void lossPrinterPrintsEpochOneAndEveryHundred() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Xor.train(1, 1000, 0.4f, new LossPrinter(out, 100));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertEquals(11, lines.length, String.join("\n", lines));
    assertTrue(lines[0].startsWith("Epoch 1, Loss: "), lines[0]);
    for (int i = 1; i <= 10; i++) {
      assertTrue(lines[i].startsWith("Epoch " + 100 * i + ", Loss: "), lines[i]);
    }
  }

  @Test
  void networkIsTheArticlesSeventeenParameters() {
    assertEquals(17, Xor.network(1).parameterCount());
  }

  @Test
  void learnedIsFalseForAnUntrainedNetwork() {
    // Zero epochs is not allowed, so train one epoch at a tiny rate: the outputs stay on one side of 0.5
    // for at least one row, as an untrained network's do.
    Xor.Result result = Xor.train(1, 1, 1e-6f, new TrainingListener() { });
    assertTrue(!result.learned(), result.predictions().toString());
  }
}
