package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deepzero.data.DataSources;
import dev.deepzero.data.Mnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code deepzero download} against local folders only (file: URLs); never the network. */
class DownloadCommandTest {

  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new DownloadCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void copiesAFullLocalMirror() {
    Path mirror = DataSources.DEBIAN_FASHION_MNIST;
    assumeTrue(Files.isDirectory(mirror) && Mnist.missingFiles(mirror).isEmpty(),
        "needs the four official files; dataset-fashion-mnist is not installed");
    Path target = tmp.resolve("fashion");
    assertEquals(0, run("--dir", target.toString(), "--base-url", mirror.toUri().toString()));
    assertTrue(Mnist.missingFiles(target).isEmpty());
    assertTrue(out.toString().contains("saved 60000 training and 10000 test samples in " + target), out.toString());
  }

  @Test
  void aMirrorWithoutTheFilesFailsAndLeavesNothingBehind() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty-mirror"));
    Path target = tmp.resolve("fashion");
    assertNotEquals(0, run("--dir", target.toString(), "--base-url", empty.toUri().toString()));
    assertTrue(err.toString().contains("could not copy"), err.toString());
    try (var files = Files.list(target)) {
      assertFalse(files.findAny().isPresent(), "the target folder stays empty");
    }
  }
}
