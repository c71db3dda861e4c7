package dev.deepzero.data;

import dev.deepzero.data.IdxReader.IdxData;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Downloads the four Fashion-MNIST files into a folder, all or nothing.
 *
 * <p>The files go first into a temporary folder inside the target folder. Each is then read as IDX and checked
 * as {@link Mnist} would (28 x 28 images, one valid label per image) and against the expected number of
 * samples; only when all four pass are they moved into place, each with an atomic rename where the file
 * system allows. A failed or interrupted download leaves the target folder as it was.
 *
 * <p>The base URL may be {@code http:}, {@code https:} or {@code file:} (a local mirror, and what the tests use).
 */
public final class Downloader {

  /** The official files: the {@code data/fashion} folder of the zalandoresearch/fashion-mnist repository. */
  public static final URI FASHION_MNIST_URL =
      URI.create("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/");

  /** Training samples in Fashion-MNIST. */
  public static final int FASHION_MNIST_TRAIN = 60_000;

  /** Test samples in Fashion-MNIST. */
  public static final int FASHION_MNIST_TEST = 10_000;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  private static final String GZIP_SUFFIX = ".gz";

  private final HttpClient client;
  private final Consumer<String> progress;

  /**
   * @param client the HTTP client for {@code http:} and {@code https:} URLs
   * @param progress receives one line per step, such as {@code "downloading <url>"}
   */
  public Downloader(HttpClient client, Consumer<String> progress) {
    this.client = client;
    this.progress = progress;
  }

  /** A downloader with a client that follows redirects and gives up connecting after 20 seconds. */
  public static Downloader create(Consumer<String> progress) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    return new Downloader(client, progress);
  }

  /**
   * Downloads the four official Fashion-MNIST files into {@code targetDir}.
   *
   * @see #download(URI, Path, int, int)
   */
  public void downloadFashionMnist(Path targetDir) throws IOException {
    download(FASHION_MNIST_URL, targetDir, FASHION_MNIST_TRAIN, FASHION_MNIST_TEST);
  }

  /**
   * Downloads {@code <name>.gz} for each of {@link Mnist#FILE_NAMES} from {@code baseUrl} into
   * {@code targetDir}, checks them, and only then replaces any files already there.
   *
   * @param baseUrl the folder URL; a missing trailing {@code /} is added
   * @param targetDir created if absent
   * @param trainCount the number of training samples the files must hold
   * @param testCount the number of test samples the files must hold
   * @throws IOException naming the URL when the network or the server fails, or a {@link DataFileException}
   *     naming the file when a download is not the expected data
   */
  public void download(URI baseUrl, Path targetDir, int trainCount, int testCount) throws IOException {
    URI base = baseUrl.toString().endsWith("/") ? baseUrl : URI.create(baseUrl + "/");
    Files.createDirectories(targetDir);
    Path staging = Files.createTempDirectory(targetDir, ".download-");
    try {
      for (String name : Mnist.FILE_NAMES) {
        fetch(base.resolve(name + GZIP_SUFFIX), staging.resolve(name + GZIP_SUFFIX));
      }
      progress.accept("checking the downloaded files");
      int classes = Mnist.Variant.FASHION.classNames().size();
      checkCount(base, staging, Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, classes, trainCount);
      checkCount(base, staging, Mnist.TEST_IMAGES, Mnist.TEST_LABELS, classes, testCount);
      for (String name : Mnist.FILE_NAMES) {
        moveIntoPlace(staging.resolve(name + GZIP_SUFFIX), targetDir.resolve(name + GZIP_SUFFIX));
      }
      progress.accept("saved " + trainCount + " training and " + testCount + " test samples in " + targetDir);
    } finally {
      deleteRecursively(staging);
    }
  }

  private void fetch(URI url, Path file) throws IOException {
    progress.accept("downloading " + url);
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "file" -> {
        try {
          Files.copy(Path.of(url), file);
        } catch (IOException e) {
          throw new IOException("could not copy " + url + ": " + describe(url, e), e);
        }
      }
      case "http", "https" -> fetchHttp(url, file);
      default -> throw new IllegalArgumentException("download: unsupported URL scheme in " + url
          + " (use http:, https: or file:)");
    }
  }

  private void fetchHttp(URI url, Path file) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url).GET().build();
    HttpResponse<Path> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofFile(file));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + url + " interrupted");
    } catch (IOException e) {
      throw new IOException("could not download " + url + ": " + describe(url, e) + "; check the network connection,"
          + " or copy the four files into the folder yourself and use --data DIR", e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("could not download " + url + ": the server answered HTTP " + response.statusCode());
    }
  }

  /** Checks one downloaded split; errors name the URL, since the staged copy is about to be deleted. */
  private static void checkCount(URI base, Path dir, String imagesName, String labelsName, int classes,
      int expected) throws IOException {
    IdxData images = readStaged(base, dir, imagesName, 3);
    IdxData labels = readStaged(base, dir, labelsName, 1);
    int count = Mnist.checkSplit(images, labels, classes);
    if (count != expected) {
      throw new DataFileException(images.source(), 4, "downloaded " + count + " samples, expected "
          + expected + "; is the base URL right?");
    }
  }

  private static IdxData readStaged(URI base, Path dir, String name, int rank) throws IOException {
    try (InputStream in = Files.newInputStream(dir.resolve(name + GZIP_SUFFIX))) {
      return IdxReader.read(in, base.resolve(name + GZIP_SUFFIX).toString(), rank);
    }
  }

  private static void moveIntoPlace(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same folder, so this is rare (some network file systems); a plain replace is the best left.
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Why {@code url} could not be fetched, in words: the JDK often reports a refused connection or an unknown
   * host as a chain of exceptions without messages.
   */
  private static String describe(URI url, Throwable e) {
    String host = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host " + url.getHost() + " (no network, or no name service)";
      }
      if (t instanceof HttpTimeoutException) {
        return "timed out connecting to " + host;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
      }
    }
    return e instanceof ConnectException ? "cannot connect to " + host : e.getClass().getSimpleName();
  }
}
