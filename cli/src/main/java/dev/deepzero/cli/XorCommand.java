package dev.deepzero.cli;

import dev.deepzero.examples.Xor;
import dev.deepzero.train.LossPrinter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deepzero xor}: the full-scratch article's XOR network. */
@Command(name = "xor", mixinStandardHelpOptions = true,
    description = "Train the articles' XOR network (Linear(2,4), Sigmoid, Linear(4,1), MSE, gradient descent)"
        + " and print the loss and the four predictions.")
final class XorCommand implements Callable<Integer> {

  @Option(names = "--epochs", defaultValue = "" + Xor.EPOCHS, description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--lr", defaultValue = "" + Xor.LEARNING_RATE, description = "Learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--seed", defaultValue = "" + Xor.DEFAULT_SEED, description = "Seed of the initial weights (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--print-every", defaultValue = "100", description = "Print the loss every N epochs (default: ${DEFAULT-VALUE}).")
  int printEvery;

  @Override
  public Integer call() {
    Xor.Result result = Xor.train(seed, epochs, learningRate, new LossPrinter(System.out, printEvery));
    System.out.println();
    System.out.println("  x1  x2 | target | prediction");
    System.out.println(" --------+--------+-----------");
    for (int i = 0; i < 4; i++) {
      System.out.printf("  %2.0f  %2.0f |   %1.0f    | %.4f%n", Xor.INPUTS.get(i, 0), Xor.INPUTS.get(i, 1),
          Xor.TARGETS.get(i, 0), result.predictions().get(i, 0));
    }
    System.out.println();
    System.out.println(result.learned() ? "learned XOR: every prediction is on the right side of 0.5"
        : "did not learn XOR: some predictions are on the wrong side of 0.5 (try another --seed or more --epochs)");
    return result.learned() ? 0 : 1;
  }
}
