package dev.deepzero.cli;

import dev.deepzero.detect.DetectionDataset;
import dev.deepzero.detect.YoloFormat;
import dev.deepzero.detect.YoloLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the detection data of a split in a folder, in either layout {@code detect-data} writes or a VOC devkit
 * folder: {@code DIR/<split>/} holding a YOLO ({@code images/}, {@code labels/}) or VOC ({@code Annotations/},
 * {@code JPEGImages/}) set, or {@code DIR} itself being a VOC folder with {@code ImageSets/Main/<split>.txt}.
 * Class names come from {@code classes.txt} next to the set (or in {@code DIR}); a VOC folder without one uses
 * the 20 VOC classes.
 */
final class DetectionFolders {

  /** PASCAL VOC's classes, in darknet's {@code voc.names} order. */
  static final List<String> VOC_CLASSES = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car",
      "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
      "train", "tvmonitor");
  private static final String NAMES_FILE = "classes.txt";

  private DetectionFolders() {}

  /** The class names of the data in {@code dir}. */
  static List<String> classNames(Path dir) throws IOException {
    for (Path candidate : List.of(dir.resolve(NAMES_FILE), dir.resolve("train").resolve(NAMES_FILE))) {
      if (Files.exists(candidate)) {
        return YoloFormat.readClassNames(candidate);
      }
    }
    if (Files.isDirectory(dir.resolve("Annotations"))) {
      return VOC_CLASSES;
    }
    throw new NoSuchFileException(dir.resolve(NAMES_FILE).toString(), null,
        "no class names: expected classes.txt in the data folder or its train/ folder (as 'deepzero detect-data'"
            + " writes)");
  }

  /** Whether {@code dir} holds a split called {@code split}. */
  static boolean hasSplit(Path dir, String split) {
    return Files.isDirectory(dir.resolve(split))
        || Files.exists(dir.resolve("ImageSets").resolve("Main").resolve(split + ".txt"));
  }

  /**
   * Loads split {@code split} of {@code dir}, images resized to {@code size x size} with {@code channels}.
   *
   * @param warn receives skipped files and clipped or skipped boxes, each naming the file
   * @throws NoSuchFileException when neither layout is found, naming what was looked for
   */
  static DetectionDataset load(Path dir, String split, List<String> classNames, YoloLayout layout, int channels,
      int size, Consumer<String> warn) throws IOException {
    Path root = Files.isDirectory(dir.resolve(split)) ? dir.resolve(split) : dir;
    if (Files.isDirectory(root.resolve("images"))) {
      return DetectionDataset.readYolo(root, layout, channels, size, size, warn);
    }
    if (Files.isDirectory(root.resolve("Annotations"))) {
      return DetectionDataset.readVoc(root, classNames, root.equals(dir) ? split : "trainval", layout, channels,
          size, size, warn);
    }
    throw new NoSuchFileException(dir.resolve(split).toString(), null, "no detection data: expected " + split
        + "/images + " + split + "/labels (YOLO) or " + split + "/Annotations + " + split + "/JPEGImages (VOC), as"
        + " 'deepzero detect-data' writes");
  }
}
