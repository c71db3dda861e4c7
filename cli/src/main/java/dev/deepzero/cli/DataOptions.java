package dev.deepzero.cli;

import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.DataSources;
import dev.deepzero.data.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that choose the image data, shared by {@code train} and {@code evaluate}. */
final class DataOptions {

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with the four (Fashion-)MNIST IDX files (raw or .gz). Default: $DEEPZERO_DATA, then"
          + " ~/.deepzero/data/fashion-mnist, then Debian's dataset-fashion-mnist, then the embedded subset.")
  Path dataDir;

  @Option(names = "--embedded", description = "Use the small Fashion-MNIST subset shipped in the jar, even when the"
      + " full data set is installed (quick runs).")
  boolean embedded;

  @Option(names = "--digits", description = "The --data folder holds MNIST digits rather than Fashion-MNIST.")
  boolean digits;

  /** Loads the data the options name. */
  ClassificationData load() throws IOException {
    if (embedded) {
      if (dataDir != null || digits) {
        throw new IllegalArgumentException("--embedded cannot be combined with --data or --digits");
      }
      return DataSources.embedded();
    }
    return DataSources.standard().load(dataDir, digits ? Mnist.Variant.DIGITS : Mnist.Variant.FASHION);
  }
}
