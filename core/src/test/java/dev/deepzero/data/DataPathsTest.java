package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deepzero.testing.HostileFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPathsTest {

  @TempDir Path root;

  @Test
  void namesInsideTheFolderResolve() throws IOException {
    Path folder = Files.createDirectories(root.resolve("data/JPEGImages/sub"));
    Files.writeString(folder.resolve("a.png"), "x");
    Path list = root.resolve("data/list.txt");
    assertEquals(folder.resolve("a.png"), DataPaths.resolve(folder.getParent(), "sub/a.png", list));
    assertEquals(folder.resolve("a.png"), DataPaths.resolve(folder.getParent(), "sub/./a.png", list));
  }

  @Test
  void namesThatLeaveTheFolderAreRefusedNamingTheSourceFile() throws IOException {
    Path folder = Files.createDirectories(root.resolve("data/JPEGImages"));
    Files.writeString(root.resolve("secret.png"), "secret");
    Path xml = root.resolve("data/Annotations/000001.xml");
    assertRefused(folder, "../../secret.png", xml, "contains '..'");
    assertRefused(folder, "sub/../../secret.png", xml, "contains '..'");
    assertRefused(folder, "/etc/passwd", xml, "is absolute");
    assertRefused(folder, root.resolve("secret.png").toString(), xml, "is absolute");
    assertRefused(folder, "", xml, "empty file name");
    assertRefused(folder, "missing.png", xml, "does not exist");
    assertRefused(folder, "bad\0name.png", xml, "not a valid path");
    Files.createDirectories(folder.resolve("dir.png"));
    assertRefused(folder, "dir.png", xml, "is a folder");
  }

  @Test
  void aSymbolicLinkOutOfTheFolderIsRefused() throws IOException {
    Path folder = Files.createDirectories(root.resolve("data"));
    Path secret = Files.writeString(root.resolve("secret.png"), "secret");
    try {
      Files.createSymbolicLink(folder.resolve("link.png"), secret);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }
    assertRefused(folder, "link.png", root.resolve("list.txt"), "outside");
    Files.writeString(folder.resolve("inside.png"), "ok");
    Files.createSymbolicLink(folder.resolve("alias.png"), folder.resolve("inside.png"));
    assertEquals(folder.resolve("alias.png"), DataPaths.resolve(folder, "alias.png", root.resolve("list.txt")));
  }

  @Test
  void aFifoIsRefusedWithoutBeingOpened() throws Exception {
    Path folder = Files.createDirectories(root.resolve("data"));
    HostileFiles.fifo(folder.resolve("pipe.png"));
    // Opening a FIFO blocks until a writer comes, so a resolver that opened it would never return.
    assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertRefused(folder, "pipe.png", root.resolve("list.txt"), "FIFO"));
    DataFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(DataFileException.class, () -> Images.load(folder.resolve("pipe.png"), 1, 4, 4)));
    assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
  }

  private static void assertRefused(Path folder, String name, Path source, String fragment) {
    DataFileException e = assertThrows(DataFileException.class, () -> DataPaths.resolve(folder, name, source));
    assertTrue(e.getMessage().startsWith(source.toString()) && e.getMessage().contains(fragment), e.getMessage());
    assertEquals(source.toString(), e.file());
  }
}
