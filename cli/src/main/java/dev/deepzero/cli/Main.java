package dev.deepzero.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code deepzero} command. */
@Command(name = "deepzero", mixinStandardHelpOptions = true, version = "deepzero " + Main.VERSION,
    description = "Deep learning from zero, in Java: train and run neural networks on the CPU.")
public final class Main implements Runnable {

  /** The version, as {@code --version} prints it and exported files name their producer. */
  static final String VERSION = "0.1.0";

  /** The subcommands, in the order help lists them. */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("train", TrainCommand::new);
    COMMANDS.put("evaluate", EvaluateCommand::new);
    COMMANDS.put("predict", PredictCommand::new);
    COMMANDS.put("summary", SummaryCommand::new);
    COMMANDS.put("export", ExportCommand::new);
    COMMANDS.put("import", ImportCommand::new);
    COMMANDS.put("bench", BenchCommand::new);
    COMMANDS.put("download", DownloadCommand::new);
    COMMANDS.put("detect-data", DetectDataCommand::new);
    COMMANDS.put("detect-train", DetectTrainCommand::new);
    COMMANDS.put("detect", DetectCommand::new);
    COMMANDS.put("detect-eval", DetectEvalCommand::new);
    COMMANDS.put("serve", ServeCommand::new);
    COMMANDS.put("xor", XorCommand::new);
    COMMANDS.put("gradcheck", GradcheckCommand::new);
    COMMANDS.put("help", CommandLine.HelpCommand::new);
  }

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    // Picocli inspects each registered command by reflection at start-up, about 0.15 s for all of them on a
    // 2-core machine: a run that names its command registers only that one; help and errors see them all.
    Supplier<Object> named = args.length > 0 && !args[0].equals("help") ? COMMANDS.get(args[0]) : null;
    if (named != null) {
      cli.addSubcommand(args[0], named.get());
    } else {
      COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
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
