package dev.deepzero.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the MNIST-format data a command should use, and says which it found.
 *
 * <p>The first of these that applies wins:
 * <ol>
 *   <li>a folder the user named (the command line's {@code --data DIR});
 *   <li>the folder in the environment variable {@value #ENVIRONMENT_VARIABLE};
 *   <li>the per-user folder {@code ~/.deepzero/data/fashion-mnist}, where {@link Downloader} saves;
 *   <li>{@code /usr/share/datasets/fashion-mnist}, installed by Debian's {@code dataset-fashion-mnist} package;
 *   <li>the Fashion-MNIST subset embedded in the jar (5,000 train and 1,000 test images), so that training works
 *       on a machine with nothing installed.
 * </ol>
 * A folder the user named must hold all four files; the per-user and Debian folders are used only when they
 * do, and skipped otherwise. A file that is present but damaged is an error, never a reason to fall back
 * silently to other data. The last three sources hold Fashion-MNIST, so {@link Mnist.Variant#DIGITS} needs a
 * named folder.
 */
public final class DataSources {

  /** The environment variable that names a data folder. */
  public static final String ENVIRONMENT_VARIABLE = "DEEPZERO_DATA";

  /** Where Debian's {@code dataset-fashion-mnist} package installs the four files. */
  public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  /** The classpath folder of the embedded subset (made by {@code scripts/make-embedded-subset.py}). */
  public static final String EMBEDDED_RESOURCE_DIR = "/dev/deepzero/data/fashion-mnist-subset/";

  private static final String HOW_TO_GET_MORE =
      "install the Debian package dataset-fashion-mnist, run `deepzero download`, or use --data DIR for the full set";

  private final Map<String, String> environment;
  private final Path userHome;
  private final Path systemDir;

  /**
   * Sources as configured by the arguments; tests pass temporary folders.
   *
   * @param environment the environment variables, read for {@value #ENVIRONMENT_VARIABLE}
   * @param userHome the user's home folder, under which the per-user folder lies
   * @param systemDir the system-wide Fashion-MNIST folder ({@link #DEBIAN_FASHION_MNIST} in normal use)
   */
  public DataSources(Map<String, String> environment, Path userHome, Path systemDir) {
    this.environment = Map.copyOf(environment);
    this.userHome = userHome;
    this.systemDir = systemDir;
  }

  /** The sources of this process: its environment, {@code user.home} and the Debian folder. */
  public static DataSources standard() {
    return new DataSources(System.getenv(), Path.of(System.getProperty("user.home")), DEBIAN_FASHION_MNIST);
  }

  /** The per-user Fashion-MNIST folder, {@code <home>/.deepzero/data/fashion-mnist}. */
  public Path userFashionMnistDir() {
    return userHome.resolve(".deepzero").resolve("data").resolve("fashion-mnist");
  }

  /**
   * Loads the data from the first source that applies (see the class comment).
   *
   * @param dataDir the folder the user named, or null
   * @param variant what the files in a named folder hold; the fallback sources are Fashion-MNIST
   * @return the data, with a description that names the source
   * @throws java.nio.file.NoSuchFileException if a named folder lacks a file
   * @throws DataFileException if a file that is used is damaged
   * @throws IllegalArgumentException if MNIST digits are asked for and no folder is named
   */
  public ClassificationData load(Path dataDir, Mnist.Variant variant) throws IOException {
    if (dataDir != null) {
      return noted(Mnist.load(dataDir, variant), "given with --data");
    }
    String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return noted(Mnist.load(Path.of(fromEnvironment), variant), "named by $" + ENVIRONMENT_VARIABLE);
    }
    if (variant != Mnist.Variant.FASHION) {
      throw new IllegalArgumentException(variant.displayName() + ": no data folder given; pass --data DIR (or set "
          + ENVIRONMENT_VARIABLE + ") to a folder with the four files " + String.join(", ", Mnist.FILE_NAMES)
          + " (each raw or .gz)");
    }
    Path user = userFashionMnistDir();
    if (hasAllFiles(user)) {
      return noted(Mnist.load(user, variant), "per-user folder");
    }
    if (hasAllFiles(systemDir)) {
      return noted(Mnist.load(systemDir, variant), "Debian package dataset-fashion-mnist");
    }
    return embedded();
  }

  /** The Fashion-MNIST subset embedded in the jar. */
  public static ClassificationData embedded() throws IOException {
    ClassificationData data = Mnist.loadResources(EMBEDDED_RESOURCE_DIR, Mnist.Variant.FASHION,
        "embedded Fashion-MNIST subset");
    return data.withDescription(data.description() + ": " + HOW_TO_GET_MORE);
  }

  /** The data with {@code note} (where the folder came from) added to its description. */
  private static ClassificationData noted(ClassificationData data, String note) {
    return data.withDescription(data.description() + ", " + note);
  }

  private static boolean hasAllFiles(Path dir) {
    return Files.isDirectory(dir) && Mnist.missingFiles(dir).isEmpty();
  }
}
