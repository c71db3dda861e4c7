package dev.deepzero.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The other side's software that the interop tests check deepzero's files with: Debian's Python modules (under
 * {@code /usr/bin/python3}, not a pyenv python3 on the PATH), gcc and libdarknet. Each test asks whether its tool
 * is here and skips with a visible reason when it is not; nothing is installed by the tests.
 */
public final class ExternalTools {

  /** Debian's interpreter: its python3-onnx and python3-torch live under /usr/lib/python3. */
  public static final Path PYTHON = Path.of("/usr/bin/python3");
  /** Debian's darknet package: header and shared library. */
  public static final Path DARKNET_INCLUDE = Path.of("/usr/lib/darknet/include/darknet.h");
  public static final Path DARKNET_LIBRARY = Path.of("/usr/lib/darknet/libdarknet.so");

  private static final long TIMEOUT_SECONDS = 300;
  private static final Map<String, Boolean> MODULES = new HashMap<>();

  private ExternalTools() {}

  /** Whether {@link #PYTHON} imports {@code module}; asked once per module (an interpreter start costs seconds). */
  public static synchronized boolean pythonHas(String module) {
    return MODULES.computeIfAbsent(module, m -> {
      if (!Files.isExecutable(PYTHON)) {
        return false;
      }
      try {
        run(List.of(PYTHON.toString(), "-c", "import " + m), null);
        return true;
      } catch (IOException e) {
        return false;
      }
    });
  }

  /** Whether gcc and libdarknet (header and library) are installed. */
  public static boolean darknetAvailable() {
    return Files.exists(DARKNET_INCLUDE) && Files.exists(DARKNET_LIBRARY) && onPath("gcc");
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code command} in {@code dir} (or the current folder); its standard output.
   *
   * @throws IOException carrying its standard error if it fails or times out
   */
  public static String run(List<String> command, Path dir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Path err = Files.createTempFile("deepzero-interop", ".stderr");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
            + Files.readString(err) + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Writes the test resource {@code name} (next to this class) into {@code dir}; its path. */
  public static Path resource(String name, Path dir) throws IOException {
    try (var in = ExternalTools.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      Path file = dir.resolve(name);
      Files.write(file, in.readAllBytes());
      return file;
    }
  }
}
