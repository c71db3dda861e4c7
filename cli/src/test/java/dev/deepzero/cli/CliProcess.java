package dev.deepzero.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One run of the real command line in its own JVM, as a user runs it: {@code java -Xmx512m --add-modules
 * jdk.incubator.vector -cp <classes> dev.deepzero.cli.Main ARGS}, killed when it outlives its time limit.
 *
 * <p>The classpath is the test JVM's own: Surefire runs in the {@code test} phase, before {@code package} builds the
 * shaded jar, so the child gets the same classes the jar would hold (this module's, the core's, picocli) from
 * {@code surefire.test.class.path}. The JVM is the one running the tests (JDK 17 in a plain build, another with
 * {@code -Djvm=...}).
 *
 * @param status the exit status, or -1 when the run was killed at its time limit
 * @param out standard output
 * @param err standard error, without the JVM's incubator-module warning
 * @param millis how long it ran
 */
record CliProcess(int status, String out, String err, long millis) {

  /** The heap of every run: small enough that a hostile input asking for gigabytes fails at once. */
  static final String HEAP = "-Xmx512m";

  private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w.$/]+\\(|Exception in thread");

  /** Runs {@code args} in {@code workDir} (where relative default outputs go), killed after {@code limit}. */
  static CliProcess run(Path workDir, Duration limit, List<String> args) throws IOException, InterruptedException {
    return run(workDir, limit, List.of(), args);
  }

  /** Like {@link #run(Path, Duration, List)} with extra JVM options. */
  static CliProcess run(Path workDir, Duration limit, List<String> jvmOptions, List<String> args)
      throws IOException, InterruptedException {
    Process p = start(workDir, jvmOptions, args);
    long start = System.nanoTime();
    boolean finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      p.destroyForcibly().waitFor();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new CliProcess(finished ? p.exitValue() : -1, read(workDir, "out"), read(workDir, "err"), millis);
  }

  /** Starts {@code args} in {@code workDir}, output to {@code workDir/cli.out} and {@code cli.err}. */
  static Process start(Path workDir, List<String> jvmOptions, List<String> args) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        HEAP, "--add-modules", "jdk.incubator.vector"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, Main.class.getName()));
    command.addAll(args);
    Files.createDirectories(workDir);
    return new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("cli.out").toFile()).redirectError(workDir.resolve("cli.err").toFile())
        .start();
  }

  private static String read(Path workDir, String stream) throws IOException {
    String text = Files.readString(workDir.resolve("cli." + stream), StandardCharsets.UTF_8);
    return text.replaceAll("(?m)^WARNING: Using incubator modules: jdk.incubator.vector\\R", "");
  }

  /** Whether the run printed a Java stack trace or an uncaught-exception line. */
  boolean printedStackTrace() {
    return STACK_FRAME.matcher(out).find() || STACK_FRAME.matcher(err).find();
  }

  /** Everything printed, for assertion messages (each stream cut to 3000 characters). */
  String all() {
    return "exit " + status + " after " + millis + " ms\n--- stdout\n" + cut(out) + "\n--- stderr\n" + cut(err);
  }

  private static String cut(String s) {
    return s.length() <= 3000 ? s : s.substring(0, 3000) + "... (" + s.length() + " characters)";
  }
}
