package dev.deepzero.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.deepzero.interop.darknet.Darknet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz targets of the darknet reader ({@link Darknet#read}), under core's contract ({@link Documented}): the only
 * errors allowed are documented ones naming a file, and one call allocates at most 64 MB, whatever the cfg
 * declares. Without {@code JAZZER_FUZZ} each target replays its inputs under
 * {@code src/test/resources/dev/deepzero/fuzz/DarknetFuzzTestInputs/<target>/}: seeds, and every finding that
 * was fixed (a 17-byte header of version 0.2 read past its end). {@code scripts/fuzz.sh weights} fuzzes one for 10
 * minutes with a summary line; by hand, from the repository root:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl core,interop test -Dtest='DarknetFuzzTest#weights' -Dsurefire.failIfNoSpecifiedTests=false \
 *   "-Dtest.argLine=--add-modules jdk.incubator.vector -Xss4m -Xmx512m" \
 *   -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time=600
 * </pre>
 */
class DarknetFuzzTest {

  // A small network darknet writes: convolution with batch norm, max pooling, a connected layer.
  private static final String CFG = "[net]\nheight=8\nwidth=8\nchannels=1\n\n"
      + "[convolutional]\nbatch_normalize=1\nfilters=2\nsize=3\nstride=1\npad=1\nactivation=leaky\n\n"
      + "[maxpool]\nsize=2\nstride=2\n\n"
      + "[connected]\noutput=3\nactivation=linear\n";
  // Its weights: a 20-byte header, then 2 + 3·2 + 18 + (32·3 + 3) floats of 0.
  private static final int WEIGHTS_BYTES = 20 + 4 * (2 + 6 + 18 + 96 + 3);

  @TempDir
  static Path dir;

  /** A cfg from the fuzzer, with a weights file of the size the seed cfg needs. */
  @FuzzTest
  void cfg(byte[] input) {
    Path cfg = write("fuzzed.cfg", input);
    Path weights = write("seed.weights", header(WEIGHTS_BYTES));
    Documented.parse(cfg, () -> Darknet.read(cfg, weights));
  }

  /** Weights from the fuzzer against the seed cfg. */
  @FuzzTest
  void weights(byte[] input) {
    Path cfg = write("seed.cfg", CFG.getBytes(StandardCharsets.UTF_8));
    Path weights = write("fuzzed.weights", input);
    Documented.parse(weights, () -> {
      try {
        Darknet.read(cfg, weights);
      } catch (IllegalArgumentException e) {
        if (!e.getMessage().contains(weights.getFileName().toString())
            && e.getMessage().contains(cfg.getFileName().toString())) {
          // A cfg error cannot come from the weights; the seed cfg has none.
          throw new AssertionError("the seed cfg was refused: " + e.getMessage(), e);
        }
        throw e;
      }
    });
  }

  // A darknet weights header (major 0, minor 2, revision 0, seen as a size_t) followed by zeros.
  private static byte[] header(int bytes) {
    byte[] b = new byte[bytes];
    b[4] = 2;
    return b;
  }

  private static Path write(String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
