package dev.deepzero.data;

import static dev.deepzero.data.ImagesTest.grey;
import static dev.deepzero.data.ImagesTest.png;
import static dev.deepzero.data.ImagesTest.solid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

  @TempDir
  Path root;

  @Test
  void readsOneClassPerSubFolderSortedByName() throws IOException {
    // Written out of order: class indices follow the sorted folder names, not the creation order.
    png(root.resolve("shirt/1.png"), solid(10, 10, 0xFFFFFF));
    png(root.resolve("shirt/2.PNG"), grey(40, 20));
    Files.createDirectories(root.resolve("boot"));
    assertTrue(ImageIO.write(solid(8, 16, 0x0000FF), "jpg", root.resolve("boot/blue.jpeg").toFile()));
    png(root.resolve("boot/red.png"), solid(12, 6, 0xFF0000));
    Files.writeString(root.resolve("boot/notes.txt"), "ignored: not an image extension");
    Files.writeString(root.resolve("boot/broken.png"), "not a png");
    Files.createDirectories(root.resolve(".hidden"));
    png(root.resolve(".hidden/x.png"), solid(2, 2, 0));

    ImageFolderDataset data = ImageFolderDataset.load(root, 3, 28, 28);
    assertEquals(List.of("boot", "shirt"), data.classNames());
    assertEquals(4, data.size());
    assertArrayEquals(new int[] {3, 28, 28}, data.inputShape());
    assertArrayEquals(new float[] {0, 0, 1, 1}, MnistTest.all(data).targets().data(), 0f);
    // boot/red.png is sample 1 (files sorted: blue.jpeg, broken.png skipped, red.png): pure red.
    Batch red = data.batch(new int[] {1});
    assertEquals(1f, red.inputs().get(0, 0, 14, 14), 0f);
    assertEquals(0f, red.inputs().get(0, 1, 14, 14), 0f);

    assertEquals(1, data.skipped().size());
    assertEquals(root.resolve("boot/broken.png"), data.skipped().get(0).file());
    assertTrue(data.skipped().get(0).reason().contains("broken.png"), data.skipped().get(0).reason());
    assertTrue(data.description().contains("4 images, 2 classes: boot, shirt; 1 skipped"), data.description());
  }

  @Test
  void greyscaleLoadingGivesOneChannel() throws IOException {
    png(root.resolve("a/1.png"), grey(28, 28));
    png(root.resolve("b/1.png"), solid(28, 28, 0xFFFFFF));
    ImageFolderDataset data = ImageFolderDataset.load(root, 1, 28, 28);
    Batch all = MnistTest.all(data);
    assertArrayEquals(new int[] {2, 1, 28, 28}, all.inputs().shape());
    assertEquals(1f, all.inputs().get(1, 0, 5, 5), 1e-6f);
  }

  @Test
  void aClassWithoutDecodableImagesIsAnError() throws IOException {
    png(root.resolve("a/1.png"), grey(8, 8));
    Files.createDirectories(root.resolve("b"));
    Files.writeString(root.resolve("b/1.png"), "not a png");
    DataFileException e = assertThrows(DataFileException.class, () -> ImageFolderDataset.load(root, 1, 8, 8));
    assertTrue(e.getMessage().startsWith(root.resolve("b") + ": class folder has no PNG or JPEG image"),
        e.getMessage());
  }

  @Test
  void needsAtLeastTwoClassFolders() throws IOException {
    png(root.resolve("1.png"), grey(8, 8));
    png(root.resolve("only/1.png"), grey(8, 8));
    DataFileException e = assertThrows(DataFileException.class, () -> ImageFolderDataset.load(root, 1, 8, 8));
    assertTrue(e.getMessage().contains("one sub-folder per class"), e.getMessage());
    assertThrows(NoSuchFileException.class, () -> ImageFolderDataset.load(root.resolve("absent"), 1, 8, 8));
  }

  /**
   * A link that stays inside the data folder is followed; an image or a class folder linking out of it is
   * refused with an error naming the entry and where it leads, before anything outside is opened.
   */
  @Test
  void linksOutOfTheDataFolderAreRefused(@TempDir Path outside) throws IOException {
    Path data = root.resolve("data");
    png(data.resolve("a/1.png"), grey(8, 8));
    png(data.resolve("b/1.png"), grey(8, 8));
    Files.createSymbolicLink(data.resolve("b/again.png"), data.resolve("a/1.png"));
    assertEquals(3, ImageFolderDataset.load(data, 1, 8, 8).size());

    png(outside.resolve("secret.png"), grey(8, 8));
    Files.createSymbolicLink(data.resolve("a/escape.png"), outside.resolve("secret.png"));
    DataFileException e = assertThrows(DataFileException.class, () -> ImageFolderDataset.load(data, 1, 8, 8));
    assertTrue(e.getMessage().contains("escape.png") && e.getMessage().contains("outside"), e.getMessage());
    Files.delete(data.resolve("a/escape.png"));

    png(outside.resolve("c/1.png"), grey(8, 8));
    Files.createSymbolicLink(data.resolve("c"), outside.resolve("c"));
    e = assertThrows(DataFileException.class, () -> ImageFolderDataset.load(data, 1, 8, 8));
    assertTrue(e.getMessage().startsWith(data.resolve("c") + ": class folder leads (through a symbolic link) to"),
        e.getMessage());
  }
}
