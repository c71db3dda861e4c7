package dev.deepzero.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.deepzero.gradcheck.GradCheck;
import dev.deepzero.gradcheck.StandardChecks;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.ops.Im2Col;
import dev.deepzero.ops.Winograd;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.tensor.Workspace;
import dev.deepzero.testing.NaiveReference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConvPoolTest {

  // The fast paths sum in float in another order than the double-precision reference.
  private static final float RTOL = 1e-4f;
  private static final float ATOL = 1e-5f;

  /** Every (stride, padding) pair of strides {1, 2, 3} and paddings {0, 1, 2}. */
  static Stream<Arguments> stridesAndPaddings() {
    List<Arguments> args = new ArrayList<>();
    for (int stride = 1; stride <= 3; stride++) {
      for (int padding = 0; padding <= 2; padding++) {
        args.add(Arguments.of(stride, padding));
      }
    }
    return args.stream();
  }

  /** Odd, non-square images: {H, W}. */
  private static final int[][] IMAGES = {{7, 5}, {6, 9}, {5, 5}};
  /** {C, F} pairs. */
  private static final int[][] CHANNELS = {{1, 1}, {3, 2}, {2, 5}};

  @ParameterizedTest(name = "stride {0}, padding {1}")
  @MethodSource("stridesAndPaddings")
  void conv2dMatchesDirectConvolutionForwardAndBackward(int stride, int padding) {
    SplittableRandom rng = new SplittableRandom(31 * stride + padding);
    for (int[] image : IMAGES) {
      for (int[] ch : CHANNELS) {
        for (int kernel : new int[] {1, 3, 4}) {
          for (int batch : new int[] {1, 3}) {
            String what = "x [" + batch + ", " + ch[0] + ", " + image[0] + ", " + image[1] + "], " + ch[1]
                + " filters " + kernel + "x" + kernel + ", stride " + stride + ", padding " + padding;
            Tensor w = Tensor.randn(rng, 1f, ch[1], ch[0], kernel, kernel);
            Tensor b = Tensor.randn(rng, 1f, ch[1]);
            Conv2d conv = new Conv2d(w.copy(), b.copy(), stride, padding);
            Tensor x = Tensor.randn(rng, 1f, batch, ch[0], image[0], image[1]);
            Tensor xCopy = x.copy();
            Tensor y = conv.forward(x, Mode.TRAIN);
            assertClose(what + ": output", y, NaiveReference.conv2d(x, w, b, stride, padding));
            Tensor g = Tensor.randn(rng, 1f, y.shape());
            Tensor gCopy = g.copy();
            NaiveReference.ConvGradients expected = NaiveReference.conv2dBackward(x, w, g, stride, padding);
            assertClose(what + ": gradInput", conv.backward(g), expected.input());
            assertClose(what + ": weight grad", conv.weight().grad(), expected.weight());
            assertClose(what + ": bias grad", conv.bias().grad(), expected.bias());
            // A second backward accumulates: parameter gradients double.
            conv.backward(g);
            assertClose(what + ": weight grad x2", conv.weight().grad(), expected.weight().mul(2f));
            assertClose(what + ": bias grad x2", conv.bias().grad(), expected.bias().mul(2f));
            assertArrayEquals(xCopy.data(), x.data(), what + ": input modified");
            assertArrayEquals(gCopy.data(), g.data(), what + ": gradOutput modified");
          }
        }
      }
    }
  }

  /**
   * Small output planes are multiplied several images at a time (groups of 8, 4, 2 or 1 by plane size, see
   * ConvolutionTest); a batch of 11 has full groups, a partial last group, and groups in two blocks of the
   * weight-gradient sums.
   */
  @Test
  void conv2dGroupsOfImagesMatchDirectConvolution() {
    SplittableRandom rng = new SplittableRandom(77);
    for (int size : new int[] {5, 10, 12, 16}) {
      for (int inChannels : new int[] {1, 5}) { // 9 and 45 unfolded rows: row dots and sgemm for dW
        String what = "x [11, " + inChannels + ", " + size + ", " + size + "], 6 filters 3x3, padding 1";
        Tensor w = Tensor.randn(rng, 1f, 6, inChannels, 3, 3);
        Tensor b = Tensor.randn(rng, 1f, 6);
        Conv2d conv = new Conv2d(w.copy(), b.copy(), 1, 1);
        Tensor x = Tensor.randn(rng, 1f, 11, inChannels, size, size);
        assertClose(what + ": output", conv.forward(x, Mode.TRAIN), NaiveReference.conv2d(x, w, b, 1, 1));
        Tensor g = Tensor.randn(rng, 1f, 11, 6, size, size);
        NaiveReference.ConvGradients expected = NaiveReference.conv2dBackward(x, w, g, 1, 1);
        assertClose(what + ": gradInput", conv.backward(g), expected.input());
        assertClose(what + ": weight grad", conv.weight().grad(), expected.weight());
        assertClose(what + ": bias grad", conv.bias().grad(), expected.bias());
      }
    }
  }

  /**
   * 3x3 stride-1 layers with 32 channels or more and full groups of images run as Winograd F(2x2, 3x3) ({@link
   * Winograd}): against the direct loops for paddings 0, 1 and 2, odd and even planes, a last group of images
   * cut short (14 = 8 + 6), and a second backward that adds to the weight gradient.
   */
  @Test
  void winogradConvolutionsMatchDirectConvolution() {
    SplittableRandom rng = new SplittableRandom(31);
    int[][] cases = {{8, 32, 32, 7, 1}, {14, 32, 40, 8, 1}, {8, 33, 32, 5, 0}, {8, 32, 35, 6, 2}, {16, 48, 32, 4, 1}};
    for (int[] c : cases) {
      int n = c[0];
      int inChannels = c[1];
      int filters = c[2];
      int size = c[3];
      int padding = c[4];
      String what = "x [" + n + ", " + inChannels + ", " + size + ", " + size + "], " + filters
          + " filters 3x3, padding " + padding;
      Im2Col.Geometry g = Im2Col.Geometry.square(inChannels, size, size, 3, 1, padding);
      assertTrue(Winograd.suits(g, filters, n), what + ": should run as Winograd");
      Tensor w = Tensor.randn(rng, 0.1f, filters, inChannels, 3, 3);
      Tensor b = Tensor.randn(rng, 1f, filters);
      Conv2d conv = new Conv2d(w.copy(), b.copy(), 1, padding);
      Tensor x = Tensor.randn(rng, 1f, n, inChannels, size, size);
      Tensor xCopy = x.copy();
      assertCloseToLargest(what + ": output", conv.forward(x, Mode.TRAIN), NaiveReference.conv2d(x, w, b, 1, padding));
      Tensor gradOut = Tensor.randn(rng, 1f, n, filters, g.outHeight(), g.outWidth());
      NaiveReference.ConvGradients expected = NaiveReference.conv2dBackward(x, w, gradOut, 1, padding);
      assertCloseToLargest(what + ": gradInput", conv.backward(gradOut), expected.input());
      assertCloseToLargest(what + ": weight grad", conv.weight().grad(), expected.weight());
      assertCloseToLargest(what + ": bias grad", conv.bias().grad(), expected.bias());
      conv.backward(gradOut);
      assertCloseToLargest(what + ": weight grad x2", conv.weight().grad(), expected.weight().mul(2f));
      assertArrayEquals(xCopy.data(), x.data(), what + ": input modified");
    }
  }

  /**
   * A 1x1 convolution with stride 1 and no padding multiplies each image in place (its columns are the image),
   * with no unfold or fold: on planes of 256 pixels or more, one image at a time, across several images of a batch
   * (the forward product, both gradients, and a second backward accumulating).
   */
  @Test
  void pointwiseConvolutionOnLargePlanesMatchesDirectConvolution() {
    SplittableRandom rng = new SplittableRandom(11);
    Tensor w = Tensor.randn(rng, 1f, 4, 5, 1, 1);
    Tensor b = Tensor.randn(rng, 1f, 4);
    Conv2d conv = new Conv2d(w.copy(), b.copy(), 1, 0);
    Tensor x = Tensor.randn(rng, 1f, 3, 5, 16, 20);
    Tensor xCopy = x.copy();
    String what = "x [3, 5, 16, 20], 4 filters 1x1";
    assertClose(what + ": output", conv.forward(x, Mode.TRAIN), NaiveReference.conv2d(x, w, b, 1, 0));
    Tensor g = Tensor.randn(rng, 1f, 3, 4, 16, 20);
    NaiveReference.ConvGradients expected = NaiveReference.conv2dBackward(x, w, g, 1, 0);
    assertClose(what + ": gradInput", conv.backward(g), expected.input());
    conv.backward(g);
    assertClose(what + ": weight grad x2", conv.weight().grad(), expected.weight().mul(2f));
    assertClose(what + ": bias grad x2", conv.bias().grad(), expected.bias().mul(2f));
    assertArrayEquals(xCopy.data(), x.data(), what + ": input modified");
  }

  @ParameterizedTest(name = "stride {0}, padding {1}")
  @MethodSource("stridesAndPaddings")
  void poolingMatchesReferenceForwardAndBackward(int stride, int padding) {
    SplittableRandom rng = new SplittableRandom(17 * stride + padding);
    for (int[] image : IMAGES) {
      for (int kernel = Math.max(2, 2 * padding); kernel <= 4; kernel++) {
        for (int batch : new int[] {1, 3}) {
          for (int channels : new int[] {1, 4}) {
            String what = "x [" + batch + ", " + channels + ", " + image[0] + ", " + image[1] + "], kernel " + kernel
                + ", stride " + stride + ", padding " + padding;
            // Small integers: many ties, so the first-maximum rule is exercised.
            Tensor x = Tensor.zeros(batch, channels, image[0], image[1]);
            float[] d = x.data();
            for (int i = 0; i < d.length; i++) {
              d[i] = rng.nextInt(-3, 4);
            }
            Tensor xCopy = x.copy();
            MaxPool2d max = new MaxPool2d(kernel, stride, padding);
            Tensor y = max.forward(x, Mode.TRAIN);
            assertClose(what + ": max output", y, NaiveReference.maxPool2d(x, kernel, stride, padding));
            Tensor g = Tensor.randn(rng, 1f, y.shape());
            Tensor gCopy = g.copy();
            assertClose(what + ": max gradInput", max.backward(g),
                NaiveReference.maxPool2dBackward(x, kernel, stride, padding, g));
            AvgPool2d avg = new AvgPool2d(kernel, stride, padding);
            assertClose(what + ": avg output", avg.forward(x, Mode.TRAIN),
                NaiveReference.avgPool2d(x, kernel, stride, padding));
            assertClose(what + ": avg gradInput", avg.backward(g),
                NaiveReference.avgPool2dBackward(x, kernel, stride, padding, g));
            assertArrayEquals(xCopy.data(), x.data(), what + ": input modified");
            assertArrayEquals(gCopy.data(), g.data(), what + ": gradOutput modified");
          }
        }
      }
    }
  }

  /**
   * In a training step, MaxPool2d's input gradient is reused memory holding the last step's values: every
   * element must be written, including the odd last row and column that no 2x2 window covers.
   */
  @Test
  void maxPoolBackwardOverwritesReusedMemory() {
    SplittableRandom rng = new SplittableRandom(9);
    for (int[] image : IMAGES) {
      for (int kernel = 2; kernel <= 3; kernel++) {
        int[] shape = {2, 3, image[0], image[1]};
        Tensor x = Tensor.randn(rng, 1f, shape);
        MaxPool2d pool = new MaxPool2d(kernel, 2, 0);
        Workspace workspace = new Workspace();
        Tensor gradInput;
        Tensor expected;
        try (Workspace.Scope step = workspace.open()) {
          Tensor.empty(shape).fill(Float.NaN); // the array the next scope's gradient will reuse
        }
        try (Workspace.Scope step = workspace.open()) {
          Tensor y = pool.forward(x, Mode.TRAIN);
          Tensor g = Tensor.randn(rng, 1f, y.shape());
          expected = NaiveReference.maxPool2dBackward(x, kernel, 2, 0, g);
          gradInput = pool.backward(g).copy();
        }
        assertClose("kernel " + kernel + ", image " + image[0] + "x" + image[1], gradInput, expected);
      }
    }
  }

  @Test
  void globalAvgPoolMatchesReference() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int[] shape : new int[][] {{1, 1, 1, 1}, {3, 4, 5, 7}, {2, 3, 6, 1}}) {
      Tensor x = Tensor.randn(rng, 1f, shape);
      GlobalAvgPool2d pool = new GlobalAvgPool2d();
      Tensor y = pool.forward(x, Mode.TRAIN);
      assertClose("global avg output", y, NaiveReference.globalAvgPool2d(x));
      Tensor g = Tensor.randn(rng, 1f, y.shape());
      assertClose("global avg gradInput", pool.backward(g), NaiveReference.globalAvgPool2dBackward(x, g));
    }
  }

  @Test
  void handWorkedConvolutionWithAKernelOfOnes() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Conv2d conv = new Conv2d(Tensor.ones(1, 1, 2, 2), Tensor.of(new float[] {0.5f}, 1), 1, 0);
    Tensor y = conv.forward(x, Mode.TRAIN);
    // Each output is the sum of a 2x2 window plus the bias.
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, y.data());
    Tensor gradInput = conv.backward(Tensor.ones(1, 1, 2, 2));
    // A pixel's gradient counts the windows covering it; W's gradient is the sum of the pixels each tap saw.
    assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, gradInput.data());
    assertArrayEquals(new float[] {12, 16, 24, 28}, conv.weight().grad().data());
    assertArrayEquals(new float[] {4}, conv.bias().grad().data());
  }

  @Test
  void handWorkedMaxPoolRoutesGradientToTheFirstMaximum() {
    Tensor x = Tensor.of(new float[] {
        1, 3, 2, 2,
        4, 0, 2, 1,
        5, 5, 0, 9,
        5, 1, 9, 0}, 1, 1, 4, 4);
    MaxPool2d pool = new MaxPool2d(2);
    assertArrayEquals(new float[] {4, 2, 5, 9}, pool.forward(x, Mode.TRAIN).data());
    Tensor gradInput = pool.backward(Tensor.of(new float[] {10, 20, 30, 40}, 1, 1, 2, 2));
    assertArrayEquals(new float[] {
        0, 0, 20, 0,
        10, 0, 0, 0,
        30, 0, 0, 40,
        0, 0, 0, 0}, gradInput.data());
  }

  @Test
  void overlappingMaxPoolWindowsAddIntoASharedMaximum() {
    Tensor x = Tensor.of(new float[] {0, 1, 0, 1, 9, 1, 0, 1, 0}, 1, 1, 3, 3);
    MaxPool2d pool = new MaxPool2d(2, 1, 0);
    assertArrayEquals(new float[] {9, 9, 9, 9}, pool.forward(x, Mode.TRAIN).data());
    Tensor gradInput = pool.backward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
    assertArrayEquals(new float[] {0, 0, 0, 0, 10, 0, 0, 0, 0}, gradInput.data());
  }

  @Test
  void maxPoolPropagatesNaNAndSendsItTheGradient() {
    Tensor x = Tensor.of(new float[] {1, Float.NaN, 7, Float.NaN}, 1, 1, 2, 2);
    MaxPool2d pool = new MaxPool2d(2);
    assertTrue(Float.isNaN(pool.forward(x, Mode.TRAIN).item()));
    assertArrayEquals(new float[] {0, 5, 0, 0}, pool.backward(Tensor.full(5f, 1, 1, 1, 1)).data());
  }

  @Test
  void avgPoolCountsPaddingAsZeros() {
    Tensor x = Tensor.ones(1, 1, 2, 2);
    Tensor y = new AvgPool2d(2, 1, 1).forward(x, Mode.EVAL);
    assertArrayEquals(new float[] {0.25f, 0.5f, 0.25f, 0.5f, 1f, 0.5f, 0.25f, 0.5f, 0.25f}, y.data());
  }

  @Test
  void articlesShapesGiveTheArticlesOutputSizes() {
    SplittableRandom rng = new SplittableRandom(3);
    Tensor x = Tensor.zeros(2, 1, 28, 28);
    Tensor y = new Conv2d(1, 30, 5, rng).forward(x, Mode.EVAL);
    assertArrayEquals(new int[] {2, 30, 24, 24}, y.shape());
    assertArrayEquals(new int[] {2, 30, 12, 12}, new MaxPool2d(2).forward(y, Mode.EVAL).shape());
    assertArrayEquals(new int[] {2, 30, 12, 12}, new Conv2d(30, 30, 3, 2, 1, rng).forward(y, Mode.EVAL).shape());
  }

  @Test
  void heNormalInitialisationUsesFanInOfChannelsTimesKernelArea() {
    Conv2d conv = new Conv2d(8, 64, 3, new SplittableRandom(11));
    double sq = 0;
    float[] w = conv.weight().value().data();
    for (float v : w) {
      sq += v * v;
    }
    double expected = 2.0 / (8 * 3 * 3);
    assertEquals(expected, sq / w.length, 0.1 * expected, "sample variance of " + w.length + " weights");
    assertArrayEquals(new float[64], conv.bias().value().data());
    assertArrayEquals(new int[] {64, 8, 3, 3}, conv.weight().value().shape());
  }

  @Test
  void gradientChecksOfTheConvolutionAndPoolingLayersPass() {
    int checked = 0;
    for (StandardChecks.Case c : StandardChecks.all()) {
      if (!c.name().matches("(Conv2d|MaxPool2d|AvgPool2d|GlobalAvgPool2d).*")) {
        continue;
      }
      for (GradCheck.Result r : c.run(1234)) {
        assertTrue(r.passed(), r.toString());
        checked++;
      }
    }
    // 3 convolutions x (input, weight, bias) + 6 pooling cases x input.
    assertEquals(15, checked);
  }

  /** The numerical gradient check on a layer that runs as Winograd: input, weight and bias. */
  @Test
  void gradientCheckOfAWinogradConvolutionPasses() {
    SplittableRandom rng = new SplittableRandom(4321);
    Conv2d conv = new Conv2d(32, 32, 3, 1, 1, rng);
    Tensor x = Tensor.randn(rng, 1f, 8, 32, 5, 5);
    assertTrue(Winograd.suits(Im2Col.Geometry.square(32, 5, 5, 3, 1, 1), 32, 8));
    List<GradCheck.Result> results = GradCheck.checkLayer("Conv2d 32->32 k3 s1 p1", conv, x, Mode.TRAIN, rng,
        () -> { });
    assertEquals(3, results.size());
    for (GradCheck.Result r : results) {
      assertTrue(r.passed(), r.toString());
    }
  }

  @Test
  void configRebuildsAnEqualLayer() {
    SplittableRandom rng = new SplittableRandom(9);
    List<Layer> layers = List.of(new Conv2d(3, 8, 5, 2, 1, rng), new MaxPool2d(3, 2, 1), new AvgPool2d(2),
        new GlobalAvgPool2d());
    for (Layer layer : layers) {
      LayerConfig config = layer.config();
      assertTrue(Layers.TYPES.contains(config.type()), config.type());
      Layer rebuilt = Layers.fromConfig(config, rng);
      assertEquals(config, rebuilt.config());
      assertEquals(layer.toString(), rebuilt.toString());
    }
    assertEquals(LayerConfig.of("Conv2d", "in", 3, "out", 8, "kernel", 5, "stride", 2, "padding", 1),
        layers.get(0).config());
  }

  @Test
  void conv2dRejectsBadInputsWithMessagesNamingTheShapes() {
    Conv2d conv = new Conv2d(Tensor.zeros(4, 3, 5, 5), Tensor.zeros(4), 1, 1);
    assertMessage("Conv2d: input [2, 3, 8] does not fit weight [4, 3, 5, 5]: expected [N, 3, H, W]",
        () -> conv.forward(Tensor.zeros(2, 3, 8), Mode.TRAIN));
    assertMessage("Conv2d: input [2, 1, 8, 8] does not fit weight [4, 3, 5, 5]: expected [N, 3, H, W]",
        () -> conv.forward(Tensor.zeros(2, 1, 8, 8), Mode.TRAIN));
    assertMessage("Conv2d: kernel 5x5 is larger than input [2, 3, 2, 8] padded by 1 (4x10)",
        () -> conv.forward(Tensor.zeros(2, 3, 2, 8), Mode.TRAIN));
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> conv.backward(Tensor.zeros(1)));
    assertEquals("Conv2d: backward called before forward", early.getMessage());
    conv.forward(Tensor.zeros(2, 3, 6, 6), Mode.TRAIN);
    assertMessage("Conv2d: gradOutput shape [2, 4, 5, 5] does not match the forward output shape [2, 4, 4, 4]",
        () -> conv.backward(Tensor.zeros(2, 4, 5, 5)));
    assertMessage("Conv2d: kernelSize must be positive, got 0", () -> new Conv2d(1, 1, 0, new SplittableRandom(1)));
    assertMessage("Conv2d: stride must be positive and padding non-negative, got stride 0, padding 0",
        () -> new Conv2d(1, 1, 3, 0, 0, new SplittableRandom(1)));
    assertMessage("Conv2d: weight [4, 3, 5, 3] and bias [4] do not form [F, C, K, K] and [F]",
        () -> new Conv2d(Tensor.zeros(4, 3, 5, 3), Tensor.zeros(4), 1, 0));
  }

  @Test
  void poolingLayersRejectBadInputsWithMessagesNamingTheShapes() {
    assertMessage("MaxPool2d: input [2, 8] must be [N, C, H, W]",
        () -> new MaxPool2d(2).forward(Tensor.zeros(2, 8), Mode.TRAIN));
    assertMessage("AvgPool2d: kernel 3x3 does not fit input [1, 1, 2, 5] padded by 0 (2x5)",
        () -> new AvgPool2d(3).forward(Tensor.zeros(1, 1, 2, 5), Mode.TRAIN));
    assertMessage("MaxPool2d: need kernel > 0, stride > 0 and 0 <= padding <= kernel / 2; got kernel 2, stride 2,"
        + " padding 2", () -> new MaxPool2d(2, 2, 2));
    assertMessage("GlobalAvgPool2d: input [3, 4] must be [N, C, H, W] with H, W > 0",
        () -> new GlobalAvgPool2d().forward(Tensor.zeros(3, 4), Mode.TRAIN));
    MaxPool2d pool = new MaxPool2d(2);
    assertThrows(IllegalStateException.class, () -> pool.backward(Tensor.zeros(1, 1, 1, 1)));
    pool.forward(Tensor.zeros(1, 1, 4, 4), Mode.TRAIN);
    assertMessage("MaxPool2d: gradOutput shape [1, 1, 4, 4] does not match the forward output shape [1, 1, 2, 2]",
        () -> pool.backward(Tensor.zeros(1, 1, 4, 4)));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  /**
   * Passes when {@code |a - e| <= RTOL · max|e|} everywhere. For Winograd: its transforms add up to 9 values
   * before multiplying, so its rounding follows the size of the terms summed, not of the result, and an element
   * that cancels to near zero (a weight gradient of -0.0031 from 392 products of about 1) is off by 1e-5.
   */
  private static void assertCloseToLargest(String what, Tensor actual, Tensor expected) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    float[] a = actual.data();
    float[] e = expected.data();
    float largest = 0f;
    for (float v : e) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int i = 0; i < a.length; i++) {
      if (!(Math.abs(a[i] - e[i]) <= RTOL * largest)) {
        fail(what + ": at flat index " + i + " got " + a[i] + ", expected " + e[i] + " (largest " + largest + ")");
      }
    }
  }

  /** Passes when {@code |a - e| <= ATOL + RTOL·|e|} everywhere; names the first failing flat index. */
  private static void assertClose(String what, Tensor actual, Tensor expected) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    float[] a = actual.data();
    float[] e = expected.data();
    for (int i = 0; i < a.length; i++) {
      if (!(Math.abs(a[i] - e[i]) <= ATOL + RTOL * Math.abs(e[i]))) {
        fail(what + ": at flat index " + i + " got " + a[i] + ", expected " + e[i]);
      }
    }
  }
}
