package dev.deepzero.data;

import java.util.List;

/**
 * A labelled image data set as it was loaded: training and test sets, the class names, and where it came from.
 *
 * @param train the training samples: inputs {@code [N, C, H, W]} in {@code [0, 1]}, targets class indices {@code [N]}
 *     (held as {@link ByteImageDataset} where the pixels are 8-bit, as in MNIST)
 * @param test the test samples, in the same form
 * @param classNames the name of each class index, such as {@code "Ankle boot"} for 9 in Fashion-MNIST
 * @param description which data this is, for the user, such as
 *     {@code "Fashion-MNIST from /usr/share/datasets/fashion-mnist (60000 train, 10000 test)"}
 */
public record ClassificationData(Dataset train, Dataset test, List<String> classNames,
    String description) {

  /** Copies the class names. */
  public ClassificationData {
    classNames = List.copyOf(classNames);
  }

  /** The same data with another description. */
  public ClassificationData withDescription(String newDescription) {
    return new ClassificationData(train, test, classNames, newDescription);
  }
}
