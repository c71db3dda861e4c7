package dev.deepzero.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code deepzero} command. */
@Command(name = "deepzero", mixinStandardHelpOptions = true, version = "deepzero 0.1.0",
    description = "Deep learning from zero, in Java: train and run neural networks on the CPU.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
        BenchCommand.class, DownloadCommand.class, DetectDataCommand.class, DetectTrainCommand.class,
        DetectCommand.class, DetectEvalCommand.class, XorCommand.class, GradcheckCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      // Bad input is the user's to fix: show the message, not a stack trace.
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
        commandLine.getErr().println("deepzero: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
