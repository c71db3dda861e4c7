package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolution order of {@link DataSources}, each source a temporary folder with its own sample count. */
class MnistDataSourcesTest {

  @TempDir
  Path tmp;

  private Path named;
  private Path fromEnvironment;
  private Path home;
  private Path system;

  @BeforeEach
  void folders() {
    named = tmp.resolve("named");
    fromEnvironment = tmp.resolve("env");
    home = tmp.resolve("home");
    system = tmp.resolve("system");
  }

  private DataSources sources(boolean withEnvironment) {
    Map<String, String> env = withEnvironment
        ? Map.of(DataSources.ENVIRONMENT_VARIABLE, fromEnvironment.toString()) : Map.of();
    return new DataSources(env, home, system);
  }

  private Path userDir() {
    return sources(false).userFashionMnistDir();
  }

  @Test
  void theUserFolderIsUnderTheHome() {
    assertEquals(home.resolve(".deepzero/data/fashion-mnist"), userDir());
  }

  @Test
  void eachSourceWinsOverTheOnesAfterIt() throws IOException {
    IdxFiles.writeSet(named, 11, 1, true, 1);
    IdxFiles.writeSet(fromEnvironment, 12, 1, false, 2);
    IdxFiles.writeSet(userDir(), 13, 1, true, 3);
    IdxFiles.writeSet(system, 14, 1, true, 4);

    ClassificationData data = sources(true).load(named, Mnist.Variant.FASHION);
    assertEquals(11, data.train().size());
    assertTrue(data.description().contains(named.toString()) && data.description().contains("--data"),
        data.description());

    data = sources(true).load(null, Mnist.Variant.FASHION);
    assertEquals(12, data.train().size());
    assertTrue(data.description().contains(DataSources.ENVIRONMENT_VARIABLE), data.description());

    data = sources(false).load(null, Mnist.Variant.FASHION);
    assertEquals(13, data.train().size());
    assertTrue(data.description().contains("per-user folder"), data.description());

    deleteSet(userDir());
    data = sources(false).load(null, Mnist.Variant.FASHION);
    assertEquals(14, data.train().size());
    assertTrue(data.description().contains(system.toString())
        && data.description().contains("dataset-fashion-mnist"), data.description());

    deleteSet(system);
    data = sources(false).load(null, Mnist.Variant.FASHION);
    assertEquals(5000, data.train().size());
    assertTrue(data.description().startsWith("embedded Fashion-MNIST subset"), data.description());
  }

  @Test
  void anIncompleteFallbackFolderIsSkipped() throws IOException {
    IdxFiles.writeSet(userDir(), 13, 1, true, 3);
    Files.delete(userDir().resolve(Mnist.TEST_LABELS + ".gz"));
    IdxFiles.writeSet(system, 14, 1, true, 4);
    assertEquals(14, sources(false).load(null, Mnist.Variant.FASHION).train().size());
  }

  @Test
  void aDamagedFileIsAnErrorNotAFallback() throws IOException {
    IdxFiles.writeSet(userDir(), 13, 1, true, 3);
    Path bad = IdxFiles.write(userDir().resolve(Mnist.TRAIN_IMAGES + ".gz"), new byte[] {1, 2, 3, 4, 5});
    IdxFiles.writeSet(system, 14, 1, true, 4);
    DataFileException e = assertThrows(DataFileException.class,
        () -> sources(false).load(null, Mnist.Variant.FASHION));
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
  }

  @Test
  void aNamedFolderMustHoldTheFiles() throws IOException {
    Files.createDirectories(named);
    IdxFiles.writeSet(system, 14, 1, true, 4);
    assertThrows(NoSuchFileException.class, () -> sources(false).load(named, Mnist.Variant.FASHION));
    assertThrows(NoSuchFileException.class, () -> sources(true).load(null, Mnist.Variant.FASHION));
  }

  @Test
  void digitsNeedANamedFolder() throws IOException {
    IdxFiles.writeSet(system, 14, 1, true, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> sources(false).load(null, Mnist.Variant.DIGITS));
    assertTrue(e.getMessage().contains("--data"), e.getMessage());
    IdxFiles.writeSet(named, 11, 1, true, 1);
    ClassificationData digits = sources(false).load(named, Mnist.Variant.DIGITS);
    assertEquals("0", digits.classNames().get(0));
    assertTrue(digits.description().startsWith("MNIST from "), digits.description());
  }

  private static void deleteSet(Path dir) throws IOException {
    for (String name : Mnist.FILE_NAMES) {
      Files.deleteIfExists(dir.resolve(name + ".gz"));
      Files.deleteIfExists(dir.resolve(name));
    }
  }
}
