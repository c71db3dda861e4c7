package dev.deepzero.cli;

import dev.deepzero.gradcheck.GradCheck;
import dev.deepzero.gradcheck.StandardChecks;
import dev.deepzero.kernel.KernelProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deepzero gradcheck}: every layer and loss against central differences. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
    description = "Check every layer's and loss's backward against numerical (central difference) gradients;"
        + " one line per checked tensor. Exits 1 if any check fails.")
final class GradcheckCommand implements Callable<Integer> {

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the inputs (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    System.out.printf("kernels: %s; eps %.0e; pass if rel error <= %.0e or abs error <= %.0e%n",
        KernelProvider.get().name(), GradCheck.EPSILON, GradCheck.MAX_RELATIVE_ERROR, GradCheck.MIN_ABSOLUTE_ERROR);
    int failed = 0;
    int total = 0;
    for (StandardChecks.Case c : StandardChecks.all()) {
      for (GradCheck.Result r : c.run(seed)) {
        System.out.println(r);
        total++;
        failed += r.passed() ? 0 : 1;
      }
    }
    System.out.printf("%d checks, %d failed%n", total, failed);
    return failed == 0 ? 0 : 1;
  }
}
