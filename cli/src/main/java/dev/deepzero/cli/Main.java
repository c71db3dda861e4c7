package dev.deepzero.cli;

import dev.deepzero.tensor.Limits;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  /** The global option that shows a failure's stack trace. */
  static final String DEBUG = "--debug";

  @CommandLine.Option(names = DEBUG, description = "On an error, also print its stack trace (the option may stand"
      + " anywhere on the line).")
  boolean debug;

  /** The global option that raises the pixel limit of every image read ({@link Limits#maxImagePixels()}). */
  static final String MAX_PIXELS = "--max-pixels";

  @CommandLine.Option(names = MAX_PIXELS, paramLabel = "N", description = "Largest image, in pixels, that any"
      + " command reads (default 64000000; checked from the file's header before decoding; the option may stand"
      + " anywhere on the line).")
  long maxPixels;

  /**
   * Runs the command line and returns its exit status (for tests): 0 on success; 2 for anything the user can
   * fix (a bad option, a missing, unreadable or malformed file, an output that cannot be written, a request
   * that does not fit in memory), printed as one line that starts with "deepzero: " and names the file; 1 for
   * an internal error, also one line. {@value #DEBUG} adds the stack trace.
   */
  public static int run(String... arguments) {
    List<String> list = new ArrayList<>(Arrays.asList(arguments));
    boolean debug = list.removeIf(DEBUG::equals);
    int at = list.indexOf(MAX_PIXELS);
    if (at >= 0) {
      String value = at + 1 < list.size() ? list.remove(at + 1) : "";
      list.remove(at);
      try {
        long pixels = Long.parseLong(value);
        if (pixels < 1) {
          throw new NumberFormatException();
        }
        System.setProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY, Long.toString(pixels));
      } catch (NumberFormatException e) {
        System.err.println("deepzero: " + MAX_PIXELS + " " + Limits.excerpt(value, 40)
            + " is out of range: expected a whole number of pixels, at least 1");
        return 2;
      }
    }
    String[] args = list.toArray(new String[0]);
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
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> fail(e, commandLine.getErr(), debug));
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      return fail(e, cli.getErr(), debug);
    }
  }

  /** Prints the one line (and with --debug the stack trace) of a failure; returns the exit status. */
  static int fail(Throwable e, PrintWriter err, boolean debug) {
    boolean user = e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof IOException || e instanceof UncheckedIOException || e instanceof OutOfMemoryError;
    String line = e instanceof OutOfMemoryError
        ? String.format(Locale.ROOT, "out of memory (the heap holds %.1f GB): use a smaller --batch-size or"
            + " smaller images, or give Java more with DEEPZERO_JAVA_OPTS=-Xmx<size>", Runtime.getRuntime().maxMemory()
            / 1e9)
        : describe(e);
    err.println("deepzero: " + (user ? "" : "internal error: ") + Limits.excerpt(line)
        + (user || debug ? "" : " (run again with " + DEBUG + " to see where)"));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return user ? 2 : 1;
  }

  /**
   * One readable line for an exception: the file and the reason for file-system errors (which otherwise say
   * only "Is a directory" or the bare path), and the cause's line where the message stops short of the reason
   * (ImageIO's "Caught exception during read: ", a charset error's "Input length = 1").
   */
  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException u && u.getCause() != null && u.getMessage().equals(u.getCause().toString())) {
      return describe(u.getCause());
    }
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    if (e instanceof FileSystemException f) {
      String reason = e instanceof NoSuchFileException ? "no such file or folder"
          : e instanceof AccessDeniedException ? "permission denied"
          : "Is a directory".equals(f.getReason()) ? "is a folder, expected a file"
          : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      return (f.getFile() == null ? "" : f.getFile() + ": ") + reason
          + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
    }
    if (e instanceof CharacterCodingException) {
      return "a text file is not valid UTF-8" + (message.isEmpty() ? "" : " (" + message + ")");
    }
    if (message.isEmpty() || message.endsWith(":")) {
      String what = message.isEmpty() ? e.getClass().getSimpleName() : message;
      return e.getCause() == null ? what : what + " " + describe(e.getCause());
    }
    return message;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
