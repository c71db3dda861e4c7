package dev.deepzero.serve;

import dev.deepzero.detect.Detection;
import dev.deepzero.io.Json;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KServe's V2 inference protocol for deepzero models: model metadata, and the JSON body of {@code infer} requests
 * and responses [kserve/kserve:docs/predict-api/v2/required_api.md].
 *
 * <p>A model has one input, {@code input}, taken in any of three datatypes: FP32 pixels in {@code [0, 1]} or
 * UINT8 pixels in {@code [0, 255]}, both of shape {@code [N, C, H, W]} (row-major, nested or flat), or BYTES of
 * shape {@code [N]} whose elements are base64-encoded PNG or JPEG files (preprocessed as the core library does).
 * A classifier answers {@code probabilities} FP32 {@code [N, K]}. A detector answers the detections of all
 * samples as separate tensors, as Triton's detection models do: {@code boxes} FP32 {@code [M, 4]}
 * ({@code xmin, ymin, xmax, ymax} in pixels of the image sent), {@code scores} FP32 {@code [M]}, {@code labels}
 * INT64 {@code [M]} (class indices) and {@code batch_index} INT64 {@code [M]} (which sample each belongs to).
 */
final class V2Protocol {

  static final String INPUT = "input";
  static final List<String> CLASSIFIER_OUTPUTS = List.of("probabilities");
  static final List<String> DETECTOR_OUTPUTS = List.of("boxes", "scores", "labels", "batch_index");

  // Nested data arrays deeper than [N, C, H, W] plus slack are refused before they are walked.
  private static final int MAX_DATA_DEPTH = 8;

  private V2Protocol() {}

  /** An infer request's samples, ready for the batcher, and what to answer. */
  record Request(Object id, List<Tensor> samples, List<int[]> sizes, Set<String> outputs) {}

  /** The metadata of {@code GET /v2/models/{name}}, plus deepzero's kind, class names and summary as parameters. */
  static Map<String, Object> metadata(String name, ServedModel model) {
    int[] in = model.inputShape();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("versions", List.of("1"));
    m.put("platform", "deepzero");
    m.put("inputs", List.of(tensor(INPUT, "FP32", List.of(-1, in[0], in[1], in[2]))));
    List<Object> outputs = new ArrayList<>();
    if (model.kind() == ServedModel.Kind.CLASSIFIER) {
      outputs.add(tensor("probabilities", "FP32", List.of(-1, model.classNames().size())));
    } else {
      outputs.add(tensor("boxes", "FP32", List.of(-1, 4)));
      outputs.add(tensor("scores", "FP32", List.of(-1)));
      outputs.add(tensor("labels", "INT64", List.of(-1)));
      outputs.add(tensor("batch_index", "INT64", List.of(-1)));
    }
    m.put("outputs", outputs);
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("kind", model.kind().name().toLowerCase(java.util.Locale.ROOT));
    parameters.put("classes", model.classNames());
    parameters.put("summary", model.summary());
    m.put("parameters", parameters);
    return m;
  }

  private static Map<String, Object> tensor(String name, String datatype, List<Integer> shape) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("name", name);
    t.put("datatype", datatype);
    t.put("shape", shape);
    return t;
  }

  /**
   * Parses and checks an infer request body.
   *
   * @throws ApiException 400 naming what is wrong
   */
  static Request parse(String body, ServedModel model) {
    Object root;
    try {
      root = Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> request)) {
      throw ApiException.badRequest("the body must be a JSON object with \"inputs\"");
    }
    if (!(request.get("inputs") instanceof List<?> inputs) || inputs.size() != 1
        || !(inputs.get(0) instanceof Map<?, ?> input)) {
      throw ApiException.badRequest("\"inputs\" must be a list of one tensor object (the model has one input, '"
          + INPUT + "')");
    }
    Set<String> outputs = outputs(request.get("outputs"), model);
    if (!(input.get("datatype") instanceof String datatype)) {
      throw ApiException.badRequest("the input has no \"datatype\"");
    }
    int[] shape = shape(input.get("shape"));
    Object data = input.get("data");
    if (!(data instanceof List<?>)) {
      throw ApiException.badRequest("the input's \"data\" must be an array");
    }
    List<Tensor> samples = new ArrayList<>();
    List<int[]> sizes = new ArrayList<>();
    switch (datatype) {
      case "FP32", "UINT8" -> pixels(datatype, shape, (List<?>) data, model, samples, sizes);
      case "BYTES" -> images(shape, (List<?>) data, model, samples, sizes);
      default -> throw ApiException.badRequest("datatype " + datatype + " is not supported: send FP32 or UINT8 pixels"
          + " [N, C, H, W], or BYTES [N] holding base64 PNG/JPEG files");
    }
    return new Request(request.get("id"), samples, sizes, outputs);
  }

  private static Set<String> outputs(Object requested, ServedModel model) {
    List<String> known = model.kind() == ServedModel.Kind.CLASSIFIER ? CLASSIFIER_OUTPUTS : DETECTOR_OUTPUTS;
    if (requested == null) {
      return new LinkedHashSet<>(known);
    }
    if (!(requested instanceof List<?> list)) {
      throw ApiException.badRequest("\"outputs\" must be a list of {\"name\": ...} objects");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || !known.contains(name)) {
        throw ApiException.badRequest("unknown output " + Json.write(String.valueOf(o)) + "; this model has "
            + known);
      }
      names.add(name);
    }
    return names;
  }

  private static int[] shape(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > MAX_DATA_DEPTH) {
      throw ApiException.badRequest("the input's \"shape\" must be a list of sizes");
    }
    int[] shape = new int[list.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(list.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
        throw ApiException.badRequest("the input's \"shape\" must hold non-negative integers, got " + list);
      }
      shape[i] = l.intValue();
    }
    return shape;
  }

  private static void pixels(String datatype, int[] shape, List<?> data, ServedModel model, List<Tensor> samples,
      List<int[]> sizes) {
    int[] in = model.inputShape();
    if (shape.length != 4 || shape[0] < 1 || shape[1] != in[0] || shape[2] != in[1] || shape[3] != in[2]) {
      throw ApiException.badRequest("shape " + java.util.Arrays.toString(shape) + " does not fit the model's input [N, "
          + in[0] + ", " + in[1] + ", " + in[2] + "] (N >= 1)");
    }
    int sample = in[0] * in[1] * in[2];
    // The body size bounds the data, so the count of elements it claims is checked before anything is allocated.
    long expected = (long) shape[0] * sample;
    List<Object> flat = new ArrayList<>();
    flatten(data, 0, flat, expected);
    if (flat.size() != expected) {
      throw ApiException.badRequest("shape " + java.util.Arrays.toString(shape) + " needs " + expected
          + " values, the data has " + flat.size());
    }
    boolean uint8 = datatype.equals("UINT8");
    for (int s = 0; s < shape[0]; s++) {
      float[] values = new float[sample];
      for (int i = 0; i < sample; i++) {
        Object v = flat.get(s * sample + i);
        if (uint8) {
          if (!(v instanceof Long l) || l < 0 || l > 255) {
            throw ApiException.badRequest("UINT8 data must be integers in [0, 255], got " + v);
          }
          values[i] = l / 255f;
        } else {
          if (!(v instanceof Number n) || !Float.isFinite(n.floatValue())) {
            throw ApiException.badRequest("FP32 data must be finite numbers, got " + v);
          }
          values[i] = n.floatValue();
        }
      }
      samples.add(Tensor.wrap(values, in[0], in[1], in[2]));
      sizes.add(new int[] {in[2], in[1]});
    }
  }

  private static void flatten(List<?> data, int depth, List<Object> out, long limit) {
    if (depth > MAX_DATA_DEPTH) {
      throw ApiException.badRequest("the input's \"data\" is nested too deeply");
    }
    for (Object o : data) {
      if (o instanceof List<?> inner) {
        flatten(inner, depth + 1, out, limit);
      } else {
        out.add(o);
      }
      if (out.size() > limit) {
        throw ApiException.badRequest("the data holds more than the " + limit + " values its shape needs");
      }
    }
  }

  private static void images(int[] shape, List<?> data, ServedModel model, List<Tensor> samples,
      List<int[]> sizes) {
    if (shape.length != 1 || shape[0] < 1 || shape[0] != data.size()) {
      throw ApiException.badRequest("BYTES input needs shape [N] with N >= 1 base64 strings, got shape "
          + java.util.Arrays.toString(shape) + " and " + data.size() + " elements");
    }
    for (Object o : data) {
      if (!(o instanceof String text)) {
        throw ApiException.badRequest("BYTES data must be base64 strings holding PNG or JPEG files");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("BYTES data is not base64: " + e.getMessage());
      }
      var image = ImageBytes.decode(bytes);
      samples.add(model.preprocess(image));
      sizes.add(new int[] {image.getWidth(), image.getHeight()});
    }
  }

  /** The infer response for the predictions of a request's samples, in order. */
  static Map<String, Object> response(String modelName, Request request, ServedModel model,
      List<ServedModel.Prediction> predictions) {
    List<Object> outputs = new ArrayList<>();
    int n = predictions.size();
    if (model.kind() == ServedModel.Kind.CLASSIFIER) {
      int k = model.classNames().size();
      float[] p = new float[n * k];
      for (int i = 0; i < n; i++) {
        System.arraycopy(((ServedModel.Classes) predictions.get(i)).probabilities(), 0, p, i * k, k);
      }
      outputs.add(output("probabilities", "FP32", List.of(n, k), p));
    } else {
      List<Float> boxes = new ArrayList<>();
      List<Float> scores = new ArrayList<>();
      List<Long> labels = new ArrayList<>();
      List<Long> batchIndex = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (Detection d : ((ServedModel.Objects) predictions.get(i)).detections()) {
          boxes.add((float) d.box().xmin());
          boxes.add((float) d.box().ymin());
          boxes.add((float) d.box().xmax());
          boxes.add((float) d.box().ymax());
          scores.add((float) d.score());
          labels.add((long) d.classId());
          batchIndex.add((long) i);
        }
      }
      int m = scores.size();
      outputs.add(output("boxes", "FP32", List.of(m, 4), boxes));
      outputs.add(output("scores", "FP32", List.of(m), scores));
      outputs.add(output("labels", "INT64", List.of(m), labels));
      outputs.add(output("batch_index", "INT64", List.of(m), batchIndex));
    }
    outputs.removeIf(o -> !request.outputs().contains(((Map<?, ?>) o).get("name")));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model_name", modelName);
    r.put("model_version", "1");
    if (request.id() != null) {
      r.put("id", request.id());
    }
    r.put("outputs", outputs);
    return r;
  }

  private static Map<String, Object> output(String name, String datatype, List<Integer> shape, Object data) {
    Map<String, Object> t = tensor(name, datatype, shape);
    t.put("data", data);
    return t;
  }
}
