package dev.deepzero.serve;

import dev.deepzero.data.Images;
import dev.deepzero.detect.YoloDecoder;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Softmax;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Loads model files as {@link ServedModel}s. */
final class CoreModels {

  private CoreModels() {}

  static ServedModel load(Path file) throws IOException {
    ModelFile.LoadedModel loaded = ModelFile.load(file);
    Map<String, String> meta = loaded.metadata();
    List<String> names = new ArrayList<>();
    if (meta.get(ModelFile.CLASSES_KEY) != null && Json.parse(meta.get(ModelFile.CLASSES_KEY)) instanceof List<?> l) {
      l.forEach(o -> names.add(String.valueOf(o)));
    }
    if (meta.get(YoloV1.CONFIG_KEY) != null) {
      YoloV1.Config config = YoloV1.Config.fromJson(meta.get(YoloV1.CONFIG_KEY));
      return new Model(ServedModel.Kind.DETECTOR, loaded.model(), names,
          new int[] {config.channels(), config.imageSize(), config.imageSize()},
          new YoloDecoder(config.layout(), 0.2, 0.4));
    }
    List<?> shape = (List<?>) Json.parse(meta.get("input_shape"));
    int[] input = shape.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    return new Model(ServedModel.Kind.CLASSIFIER, loaded.model(), names, input, null);
  }

  private record Model(Kind kind, Layer model, List<String> classNames, int[] input, YoloDecoder decoder)
      implements ServedModel {

    @Override
    public int[] inputShape() {
      return input.clone();
    }

    @Override
    public String summary() {
      return model instanceof Sequential s ? s.summary(input) : model.toString();
    }

    @Override
    public Tensor preprocess(BufferedImage image) {
      Tensor pixels = Images.fromImage(image, input[0], input[1], input[2]);
      if (kind == Kind.CLASSIFIER && borderBrighterThanCentre(pixels)) {
        pixels = pixels.mul(-1f).add(1f);
      }
      return pixels;
    }

    @Override
    public synchronized List<Prediction> predict(Tensor batch, int[][] sizes) {
      Tensor out = model.forward(batch, Mode.EVAL);
      int n = batch.dim(0);
      List<Prediction> result = new ArrayList<>(n);
      if (kind == Kind.CLASSIFIER) {
        int k = out.size() / n;
        float[] p = new float[out.size()];
        Softmax.softmaxRows(out.data(), p, k);
        for (int i = 0; i < n; i++) {
          result.add(new Classes(java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k)));
        }
      } else {
        for (int i = 0; i < n; i++) {
          result.add(new Objects(decoder.decode(out.slice(i, i + 1), sizes[i][0], sizes[i][1]).get(0)));
        }
      }
      return result;
    }

    private static boolean borderBrighterThanCentre(Tensor chw) {
      int c = chw.dim(0);
      int h = chw.dim(1);
      int w = chw.dim(2);
      double border = 0;
      double centre = 0;
      long nb = 0;
      long nc = 0;
      float[] d = chw.data();
      int ring = Math.max(1, Math.min(h, w) / 8);
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            float v = d[(ch * h + y) * w + x];
            if (y < ring || y >= h - ring || x < ring || x >= w - ring) {
              border += v;
              nb++;
            } else {
              centre += v;
              nc++;
            }
          }
        }
      }
      return nc > 0 && border / nb > centre / nc;
    }
  }
}
