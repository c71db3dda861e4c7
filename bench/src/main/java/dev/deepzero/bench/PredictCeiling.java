package dev.deepzero.bench;

import dev.deepzero.inference.Classifier;
import dev.deepzero.inference.Detector;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.inference.Preprocessing;
import dev.deepzero.io.ModelFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The ceiling for {@code bench/serve-load.sh}: the same image file through the same work the server does per
 * request (PNG decoding, preprocessing, prediction, top classes or detections), in one process with no HTTP, at
 * batch 1 and at the server's batch size. Prints one line per batch size:
 * {@code ceiling batch=B images_per_sec=X ms_per_batch=Y}.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.deepzero.bench.PredictCeiling MODEL IMAGE SECONDS BATCH...</pre>
 */
public final class PredictCeiling {

  private PredictCeiling() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: PredictCeiling MODEL IMAGE SECONDS BATCH...");
      System.exit(2);
    }
    Path modelFile = Path.of(args[0]);
    byte[] png = Files.readAllBytes(Path.of(args[1]));
    double seconds = Double.parseDouble(args[2]);
    ModelFile.LoadedModel loaded = ModelFile.load(modelFile);
    ModelMetadata metadata = ModelMetadata.read(modelFile, loaded.metadata());
    Classifier classifier = metadata.kind() == ModelMetadata.Kind.CLASSIFIER
        ? Classifier.of(loaded.model(), metadata.classNames(), metadata.inputShape()) : null;
    Detector detector = metadata.kind() == ModelMetadata.Kind.DETECTOR
        ? Detector.of(loaded.model(), metadata.detector(), metadata.classNames()) : null;
    for (int a = 3; a < args.length; a++) {
      int batch = Integer.parseInt(args[a]);
      // Warm-up (JIT) for a third of the time, then the measured window.
      run(classifier, detector, png, batch, seconds / 3);
      double[] result = run(classifier, detector, png, batch, seconds);
      System.out.printf(Locale.ROOT, "ceiling batch=%d images_per_sec=%.1f ms_per_batch=%.2f%n", batch, result[0],
          result[1]);
    }
  }

  /** Images per second and milliseconds per batch over a window of {@code seconds}. */
  private static double[] run(Classifier classifier, Detector detector, byte[] png, int batch, double seconds)
      throws IOException {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long batches = 0;
    long sink = 0;
    while (System.nanoTime() < end) {
      List<BufferedImage> images = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        images.add(ImageIO.read(new ByteArrayInputStream(png)));
      }
      if (classifier != null) {
        sink += classifier.classify(images, Preprocessing.Invert.AUTO, 5).size();
      } else {
        sink += detector.detect(images, Detector.DEFAULT_THRESHOLD, Detector.DEFAULT_NMS).size();
      }
      batches++;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (sink != batches * batch) {
      throw new IllegalStateException("lost predictions");
    }
    return new double[] {batches * batch / elapsed, elapsed * 1e3 / batches};
  }
}
