package dev.deepzero.cli;

import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.DataSources;
import dev.deepzero.data.Mnist;
import dev.deepzero.data.Datasets;
import dev.deepzero.data.ImageFolderDataset;
import dev.deepzero.inference.ModelMetadata;
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

  @Option(names = "--images", paramLabel = "DIR",
      description = "Your own images instead: DIR/<class>/*.png|jpg, one sub-folder per class.")
  Path imagesDir;

  @Option(names = "--test-images", paramLabel = "DIR",
      description = "With --images: a test set of the same form; without it --test-fraction of the images are"
          + " held out.")
  Path testImagesDir;

  @Option(names = "--image-size", defaultValue = "28x28", paramLabel = "HxW",
      description = "With --images: the size images are resized to (default: ${DEFAULT-VALUE}).")
  String imageSize;

  @Option(names = "--channels", defaultValue = "1",
      description = "With --images: 1 (grey) or 3 (RGB) (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--test-fraction", defaultValue = "0.2",
      description = "With --images and no test folder: the share held out as the test set (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--digits", description = "The --data folder holds MNIST digits rather than Fashion-MNIST.")
  boolean digits;

  /** Loads the data the options name. */
  ClassificationData load() throws IOException {
    if (imagesDir != null) {
      if (dataDir != null || embedded || digits) {
        throw new IllegalArgumentException("--images cannot be combined with --data, --embedded or --digits");
      }
      return loadImages();
    }
    if (embedded) {
      if (dataDir != null || digits) {
        throw new IllegalArgumentException("--embedded cannot be combined with --data or --digits");
      }
      return DataSources.embedded();
    }
    return DataSources.standard().load(dataDir, digits ? Mnist.Variant.DIGITS : Mnist.Variant.FASHION);
  }

  private ClassificationData loadImages() throws IOException {
    String[] hw = imageSize.toLowerCase(java.util.Locale.ROOT).split("x");
    int max = ModelMetadata.MAX_INPUT_SIDE;
    if (hw.length != 2 || !hw[0].trim().matches("[0-9]{1,9}") || !hw[1].trim().matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException("--image-size must be HEIGHTxWIDTH such as 28x28, each 1 to " + max
          + ", got '" + imageSize + "'");
    }
    int height = Integer.parseInt(hw[0].trim());
    int width = Integer.parseInt(hw[1].trim());
    Options.range("--image-size height", height, 1, max);
    Options.range("--image-size width", width, 1, max);
    Options.range("--channels", channels, 1, 3);
    Options.range("--test-fraction", testFraction, 0, 1, false);
    ImageFolderDataset all = ImageFolderDataset.load(imagesDir, channels, height, width);
    report(all);
    if (testImagesDir != null) {
      Path testDir = testImagesDir;
      ImageFolderDataset test = ImageFolderDataset.load(testDir, channels, height, width);
      report(test);
      if (!test.classNames().equals(all.classNames())) {
        throw new IllegalArgumentException(testDir + " has classes " + test.classNames() + " but " + imagesDir
            + " has " + all.classNames());
      }
      return new ClassificationData(all, test, all.classNames(), all.description());
    }
    // Views that share the loaded samples: holding the test part out copies nothing.
    Datasets.Split split = Datasets.split(all, testFraction, 0);
    return new ClassificationData(split.train(), split.validation(), all.classNames(),
        all.description() + ", " + Math.round(testFraction * 100) + "% held out as the test set");
  }

  private static void report(ImageFolderDataset images) {
    for (ImageFolderDataset.Skipped s : images.skipped()) {
      System.err.println("deepzero: skipped " + s.file() + ": " + s.reason());
    }
  }
}
