package dev.deepzero.interop.darknet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deepzero.detect.YoloV1;
import dev.deepzero.interop.ExternalTools;
import dev.deepzero.interop.TestModels;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.ChannelsLast;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.nn.layers.Sigmoid;
import dev.deepzero.nn.layers.Tanh;
import dev.deepzero.nn.layers.YoloActivation;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * darknet files both ways, checked by real darknet (Debian's libdarknet through a small C program that the test
 * compiles with gcc): a deepzero detector written as cfg + weights runs in darknet with deepzero's outputs, and a
 * YOLOv1-tiny-style network initialised and saved by darknet runs in deepzero with darknet's outputs, both to
 * {@value #TOLERANCE}.
 */
class DarknetTest {

  private static final double TOLERANCE = 1e-4;
  private static final String SMALL_CFG = "yolov1-tiny-small.cfg";
  private static final String FULL_YOLO_PROPERTY = "deepzero.interop.yolov1Tiny";
  private static final Path YOLOV1_TINY = Path.of("/usr/share/darknet/cfg/yolov1-tiny.cfg");

  @TempDir Path dir;

  /** A detector like the default one, small: 32x32 input, S = 4, B = 2, C = 3, width 4 (stem, two stages). */
  private static final YoloV1.Config SMALL = new YoloV1.Config(3, 32, 4, 2, 3, 4, true);

  private static TestModels.Case smallDetector() {
    return TestModels.detector(SMALL, 4, 11);
  }

  @Test
  void aDeepzeroDetectorRunsInDarknetWithTheSameOutputs() throws Exception {
    assumeTrue(ExternalTools.darknetAvailable(), "skipped: gcc and Debian's darknet (libdarknet.so, darknet.h) not installed");
    TestModels.Case c = smallDetector();
    Path cfg = dir.resolve("detector.cfg");
    Path weights = dir.resolve("detector.weights");
    Darknet.write(c.model(), c.inputShape(), cfg, weights);
    float[] darknet = darknetPredict(cfg, weights, c.images());
    // darknet ends at the head: the [5B + C, S, S] map before ChannelsLast and YoloActivation.
    List<Layer> layers = ((Sequential) c.model()).layers();
    Sequential backbone = new Sequential(layers.subList(0, layers.size() - 2));
    Tensor head = backbone.predict(c.images());
    double headDiff = TestModels.maxAbsDiff(darknet, head.data());
    Tensor finished = new Sequential(layers.subList(layers.size() - 2, layers.size()))
        .predict(Tensor.of(darknet, head.shape()));
    double outputDiff = TestModels.maxAbsDiff(finished.data(), c.model().predict(c.images()).data());
    System.out.printf("deepzero -> darknet (libdarknet network_predict), detector %s: head max abs difference %.3g,"
        + " after ChannelsLast + YoloActivation %.3g%n", c.model().predict(c.images()).shapeString(), headDiff,
        outputDiff);
    assertTrue(headDiff <= TOLERANCE, "head: " + headDiff);
    assertTrue(outputDiff <= TOLERANCE, "output: " + outputDiff);
  }

  @Test
  void connectedLayersWithBatchNormAndDropoutRunInDarknetWithTheSameOutputs() throws Exception {
    assumeTrue(ExternalTools.darknetAvailable(), "skipped: gcc and Debian's darknet (libdarknet.so, darknet.h) not installed");
    SplittableRandom rng = new SplittableRandom(21);
    Sequential model = new Sequential(new Conv2d(3, 6, 3, 2, 1, rng), new BatchNorm(6), new LeakyRelu(0.1f),
        new MaxPool2d(2, 2, 0), new Conv2d(6, 8, 3, 1, 1, rng), new Relu(), new Flatten(), new Linear(8 * 4 * 4, 32, rng),
        new BatchNorm(32), new Tanh(), new Dropout(0.3f, rng.split()), new Linear(32, 5, rng), new Sigmoid());
    TestModels.randomizeStatistics(model, rng);
    Tensor images = Tensor.uniform(rng, 0f, 1f, 3, 3, 16, 16);
    Path cfg = dir.resolve("mixed.cfg");
    Path weights = dir.resolve("mixed.weights");
    Darknet.write(model, new int[] {3, 16, 16}, cfg, weights);
    double diff = TestModels.maxAbsDiff(darknetPredict(cfg, weights, images), model.predict(images).data());
    System.out.printf("deepzero -> darknet, conv/BN/leaky, relu, connected/BN/tanh, dropout, connected/logistic:"
        + " max abs difference %.3g%n", diff);
    assertTrue(diff <= TOLERANCE, "max abs difference " + diff);
  }

  @Test
  void aNetworkDarknetSavedRunsInDeepzeroWithTheSameOutputs() throws Exception {
    assumeTrue(ExternalTools.darknetAvailable(), "skipped: gcc and Debian's darknet (libdarknet.so, darknet.h) not installed");
    Path cfg = ExternalTools.resource(SMALL_CFG, dir);
    Path weights = dir.resolve("darknet.weights");
    ExternalTools.run(List.of(harness().toString(), "init", cfg.toString(), weights.toString(), "7"), dir);
    Darknet.Model model = Darknet.read(cfg, weights);
    assertEquals(new Darknet.Detection(3, 4, 4, 2, true, false, 1f, 0.5f, 1f, 5f), model.detection());
    Tensor images = TestModels.detector(new YoloV1.Config(3, 64, 8, 2, 3, 4, true), 4, 3).images();
    float[] darknet = darknetPredict(cfg, weights, images);
    Tensor ours = model.network().predict(images);
    double diff = TestModels.maxAbsDiff(darknet, ours.data());
    System.out.printf("darknet save_weights -> deepzero, %s (%d outputs per image): max abs difference %.3g%n",
        SMALL_CFG, ours.dim(1), diff);
    assertTrue(diff <= TOLERANCE, "max abs difference " + diff);
  }

  /**
   * darknet's own {@code yolov1-tiny.cfg} (448x448, 16 layers, 27 M weights, a 108 MB weights file): too slow for
   * every build, so it runs only with {@code -D}{@value #FULL_YOLO_PROPERTY}{@code =true}.
   */
  @Test
  void theRealYoloV1TinyRunsInDeepzeroWithDarknetsOutputs() throws Exception {
    assumeTrue(Boolean.getBoolean(FULL_YOLO_PROPERTY), "skipped: the full yolov1-tiny check runs with -D"
        + FULL_YOLO_PROPERTY + "=true");
    assumeTrue(ExternalTools.darknetAvailable() && Files.exists(YOLOV1_TINY),
        "skipped: gcc and Debian's darknet (with " + YOLOV1_TINY + ") not installed");
    Path weights = dir.resolve("yolov1-tiny.weights");
    long start = System.nanoTime();
    ExternalTools.run(List.of(harness().toString(), "init", YOLOV1_TINY.toString(), weights.toString(), "5"), dir);
    Darknet.Model model = Darknet.read(YOLOV1_TINY, weights);
    Tensor images = Tensor.uniform(new SplittableRandom(9), 0f, 1f, 2, 3, 448, 448);
    float[] darknet = darknetPredict(YOLOV1_TINY, weights, images);
    Tensor ours = model.network().predict(images);
    double diff = TestModels.maxAbsDiff(darknet, ours.data());
    System.out.printf("darknet save_weights -> deepzero, yolov1-tiny.cfg (%,d parameters, %d outputs per image, 2"
        + " images): max abs difference %.3g, largest |output| %.3g (%.1f s in all)%n",
        model.network().parameterCount(), ours.dim(1), diff, maxAbs(darknet), (System.nanoTime() - start) / 1e9);
    assertTrue(diff <= TOLERANCE, "max abs difference " + diff);
  }

  private static double maxAbs(float[] a) {
    double max = 0;
    for (float v : a) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  @Test
  void writingAndReadingBackGivesTheSameNetwork() throws Exception {
    TestModels.Case c = smallDetector();
    Path cfg = dir.resolve("detector.cfg");
    Path weights = dir.resolve("detector.weights");
    Darknet.write(c.model(), c.inputShape(), cfg, weights);
    Darknet.Model back = Darknet.read(cfg, weights);
    assertEquals(c.model().config().layersOption("layers").size(), back.network().size());
    assertTrue(back.network().get(back.network().size() - 2) instanceof ChannelsLast);
    assertTrue(back.network().get(back.network().size() - 1) instanceof YoloActivation);
    assertEquals(Optional.of(SMALL), back.yoloV1Config(), "recognised as the detector it was");
    assertEquals(Optional.empty(), Darknet.read(ExternalTools.resource(SMALL_CFG, dir), null).yoloV1Config());
    double diff = TestModels.maxAbsDiff(back.network().predict(c.images()).data(),
        c.model().predict(c.images()).data());
    assertTrue(diff <= TOLERANCE, "max abs difference " + diff);
  }

  @Test
  void weightsOfAnotherSizeAreRefused() throws Exception {
    Path cfg = ExternalTools.resource(SMALL_CFG, dir);
    Path weights = dir.resolve("short.weights");
    Files.write(weights, ByteBuffer.allocate(20 + 400).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(2).array());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Darknet.read(cfg, weights));
    assertTrue(e.getMessage().contains("more floats"), e.getMessage());
  }

  @Test
  void cfgsDeepzeroCannotRepresentAreRefusedNamingTheLine() throws Exception {
    String net = "[net]\nheight=5\nwidth=5\nchannels=1\n\n";
    assertCfgError(net + "[route]\nlayers=-1\n", "line 6, [route]: section type not supported");
    // darknet pools a 5x5 map to 3x3 (the last window hangs over the edge); symmetric padding cannot.
    assertCfgError(net + "[maxpool]\nsize=2\nstride=2\n", "line 6, [maxpool]: size 2, stride 2, padding 1 on 5x5");
    assertCfgError(net + "[connected]\noutput=10\nactivation=linear\n[detection]\nside=2\nnum=1\nclasses=1\ncoords=4\n",
        "side² · ((1 + coords) · num + classes) = 24 but the layer before gives 10 values");
    assertCfgError(net + "[convolutional]\nfilters=2\nactivation=swish\n", "activation 'swish' not supported");
  }

  @Test
  void aFewBytesDeclaringHugeLayersAreRefusedBeforeAnyIsBuilt() throws Exception {
    String net = "[net]\nheight=8\nwidth=8\nchannels=1\n\n";
    // 30 million x 64 weights (7.7 GB): past the per-tensor limit, refused from the cfg alone.
    assertCfgError(net + "[connected]\noutput=30000000\nactivation=linear\n", "more than the limit");
    // 3 million x 64 (768 MB) against a 100-byte weights file: refused before the layer is drawn.
    Path cfg = Files.writeString(dir.resolve("big.cfg"), net + "[connected]\noutput=3000000\nactivation=linear\n");
    Path weights = Files.write(dir.resolve("tiny.weights"), new byte[100]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Darknet.read(cfg, weights));
    assertTrue(e.getMessage().contains("needs at least 192000000 more floats"), e.getMessage());
  }

  /** A 3 GB weights file (sparse: it takes no disk) is refused by name before a byte of it is read. */
  @Test
  void weightsLargerThanAnArrayAreRefusedBeforeReading() throws Exception {
    Path cfg = Files.writeString(dir.resolve("small.cfg"), "[net]\nheight=8\nwidth=8\nchannels=1\n\n"
        + "[connected]\noutput=3\nactivation=linear\n");
    Path weights = dir.resolve("huge.weights");
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(weights.toFile(), "rw")) {
      file.setLength(3L << 30);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Darknet.read(cfg, weights));
    assertTrue(e.getMessage().contains("huge.weights") && e.getMessage().contains("more than one Java array"),
        e.getMessage());
    Files.delete(weights);
  }

  private void assertCfgError(String cfg, String fragment) throws IOException {
    Path file = dir.resolve("bad.cfg");
    Files.writeString(file, cfg);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Darknet.read(file, null));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void layersWithoutADarknetSectionAreNamed() {
    Sequential model = new Sequential(new dev.deepzero.nn.layers.Softmax());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Darknet.write(model, new int[] {1, 4, 4}, dir.resolve("a.cfg"), dir.resolve("a.weights")));
    assertTrue(e.getMessage().contains("layer 0 (Softmax)"), e.getMessage());
  }

  /** darknet's outputs for {@code images}, one network_predict per image. */
  private float[] darknetPredict(Path cfg, Path weights, Tensor images) throws IOException {
    Path in = dir.resolve("in.bin");
    Path out = dir.resolve("out.bin");
    ByteBuffer b = ByteBuffer.allocate(images.size() * Float.BYTES).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(images.data(), 0, images.size());
    Files.write(in, b.array());
    ExternalTools.run(List.of(harness().toString(), "predict", cfg.toString(), weights.toString(), in.toString(),
        out.toString(), Integer.toString(images.dim(0))), dir);
    ByteBuffer o = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.nativeOrder());
    float[] values = new float[o.remaining() / Float.BYTES];
    o.asFloatBuffer().get(values);
    return values;
  }

  /** The harness, compiled into the test's temporary folder. */
  private Path harness() throws IOException {
    Path binary = dir.resolve("darknet_harness");
    if (!Files.exists(binary)) {
      Path source = ExternalTools.resource("darknet_harness.c", dir);
      ExternalTools.run(List.of("gcc", "-O1", "-I" + ExternalTools.DARKNET_INCLUDE.getParent(), source.toString(),
          "-o", binary.toString(), "-L" + ExternalTools.DARKNET_LIBRARY.getParent(), "-ldarknet",
          "-Wl,-rpath," + ExternalTools.DARKNET_LIBRARY.getParent(), "-lm"), dir);
    }
    return binary;
  }
}
