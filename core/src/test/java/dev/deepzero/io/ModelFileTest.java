package dev.deepzero.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deepzero.data.TensorDataset;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.Identity;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.nn.layers.Sigmoid;
import dev.deepzero.nn.layers.Softmax;
import dev.deepzero.nn.layers.Tanh;
import dev.deepzero.optim.Adam;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.Evaluation;
import dev.deepzero.train.Trainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

  @TempDir Path dir;

  /** Every layer type, nested, with BatchNorm statistics moved away from their initial values. */
  static Sequential everyLayer(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Sequential model = new Sequential(new Flatten(), new Linear(6, 8, rng), new BatchNorm(8, 1e-3f, 0.3f),
        new Relu(), new Dropout(0.25f, rng.split()), new LeakyRelu(0.2f),
        new Sequential(new Linear(8, 5, rng), new Tanh(), new Identity()), new Sigmoid(), new Linear(5, 3, rng),
        new Softmax());
    for (int i = 0; i < 3; i++) {
      model.forward(Tensor.randn(rng, 2f, 7, 2, 3), Mode.TRAIN);
    }
    return model;
  }

  @Test
  void roundTripGivesTheSameArchitectureWeightsAndOutputs() throws IOException {
    Sequential model = everyLayer(1);
    Path file = dir.resolve("model.safetensors");
    Map<String, String> meta = Map.of(ModelFile.MODEL_NAME_KEY, "everything", ModelFile.CLASSES_KEY,
        Json.write(List.of("cat", "dog", "bird")));
    ModelFile.save(file, model, meta);
    ModelFile.LoadedModel loaded = ModelFile.load(file);

    assertEquals(meta, loaded.metadata());
    assertEquals(Json.write(ModelFile.toJson(model.config())), Json.write(ModelFile.toJson(loaded.model().config())));
    assertStateEquals(model.stateDict(), loaded.model().stateDict());
    Tensor x = Tensor.randn(new SplittableRandom(2), 1f, 4, 2, 3);
    assertArrayEquals(model.forward(x, Mode.EVAL).data(), loaded.model().forward(x, Mode.EVAL).data());
    assertEquals(List.of("cat", "dog", "bird"), Json.parse(loaded.metadata().get(ModelFile.CLASSES_KEY)));
  }

  @Test
  void architectureIsReadableJsonInTheMetadata() throws IOException {
    SplittableRandom rng = new SplittableRandom(3);
    Path file = dir.resolve("small.safetensors");
    ModelFile.save(file, new Sequential(new Linear(2, 3, rng), new LeakyRelu(0.01f)), Map.of());
    Map<String, String> meta = SafeTensors.readHeader(file).metadata();
    assertEquals(ModelFile.FORMAT_VERSION, meta.get(ModelFile.FORMAT_KEY));
    assertEquals("{\"type\":\"Sequential\",\"options\":{\"layers\":[{\"type\":\"Linear\",\"options\":{\"in\":2,"
        + "\"out\":3}},{\"type\":\"LeakyRelu\",\"options\":{\"alpha\":0.01}}]}}", meta.get(ModelFile.ARCHITECTURE_KEY));
  }

  @Test
  void configOptionsOfEveryKindRoundTrip() {
    LayerConfig config = LayerConfig.of("Custom", "i", 3, "f", 0.1f, "d", 2.5e-7, "s", "x", "b", true,
        "shape", new int[] {2, 3}, "layers", List.of(LayerConfig.of("Relu")));
    LayerConfig back = ModelFile.parseArchitecture(ModelFile.architectureJson(config));
    assertEquals(3, back.options().get("i"));
    assertEquals(0.1f, back.floatOption("f", 0f));
    assertEquals(2.5e-7, ((Number) back.options().get("d")).doubleValue());
    assertEquals("x", back.options().get("s"));
    assertEquals(true, back.options().get("b"));
    assertArrayEquals(new int[] {2, 3}, (int[]) back.options().get("shape"));
    assertEquals(List.of(LayerConfig.of("Relu")), back.layersOption("layers"));
  }

  @Test
  void trainedModelHasTheSameAccuracyAfterSaveAndLoad() throws IOException {
    SplittableRandom rng = new SplittableRandom(4);
    TensorDataset data = CheckpointTest.blobs(rng, 90);
    Sequential model = new Sequential(new Linear(4, 16, rng), new BatchNorm(16), new Relu(),
        new Dropout(0.1f, rng.split()), new Linear(16, 3, rng));
    new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 0.02f))
        .fit(data, null, new Trainer.Config(5, 16, 4, true));
    Evaluation before = Trainer.evaluate(model, new SoftmaxCrossEntropy(), data, 32);
    Path file = dir.resolve("trained.safetensors");
    ModelFile.save(file, model, Map.of());
    Evaluation after = Trainer.evaluate(ModelFile.load(file).model(), new SoftmaxCrossEntropy(), data, 32);
    assertTrue(before.accuracy() > 0.8, "the model learned something: " + before);
    assertEquals(before.accuracy(), after.accuracy());
    assertEquals(before.loss(), after.loss());
  }

  @Test
  void reservedMetadataKeysAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.save(
        dir.resolve("x.safetensors"), everyLayer(1), Map.of(ModelFile.ARCHITECTURE_KEY, "{}")));
    assertTrue(e.getMessage().contains("reserves"), e.getMessage());
  }

  // ---------------------------------------------------------------- mismatched files

  @Test
  void missingTensor() throws IOException {
    Path file = rewrite("missing.safetensors", (tensors, meta) -> tensors.remove("1.bias"));
    assertLoadError(file, "the tensors do not fit the architecture", "missing tensors [1.bias]");
  }

  @Test
  void extraTensor() throws IOException {
    Path file = rewrite("extra.safetensors", (tensors, meta) -> tensors.put("9.weight", Tensor.zeros(2)));
    assertLoadError(file, "unexpected tensors [9.weight]");
  }

  @Test
  void misShapedTensor() throws IOException {
    Path file = rewrite("shape.safetensors", (tensors, meta) -> tensors.put("1.weight", Tensor.zeros(8, 7)));
    assertLoadError(file, "tensor '1.weight' has shape [8, 7], the architecture needs [8, 6]");
  }

  @Test
  void unknownLayerType() throws IOException {
    Path file = rewrite("type.safetensors", (tensors, meta) -> meta.put(ModelFile.ARCHITECTURE_KEY,
        meta.get(ModelFile.ARCHITECTURE_KEY).replace("\"Tanh\"", "\"Conv9d\"")));
    assertLoadError(file, "cannot rebuild the model", "unknown layer type 'Conv9d'", "known types: Sequential",
        "Linear");
  }

  @Test
  void malformedArchitecture() throws IOException {
    Path badJson = rewrite("json.safetensors", (tensors, meta) -> meta.put(ModelFile.ARCHITECTURE_KEY, "{\"type\""));
    assertLoadError(badJson, "cannot rebuild the model", "offset 7");
    Path badShape = rewrite("form.safetensors", (tensors, meta) -> meta.put(ModelFile.ARCHITECTURE_KEY,
        "{\"type\":\"Sequential\",\"options\":{\"layers\":[{\"type\":\"Linear\"}]}}"));
    assertLoadError(badShape, "architecture (Sequential) option 'layers'[0] must be {\"type\"");
    Path badOption = rewrite("opt.safetensors", (tensors, meta) -> meta.put(ModelFile.ARCHITECTURE_KEY,
        meta.get(ModelFile.ARCHITECTURE_KEY).replace("\"in\":6", "\"in\":6.5")));
    assertLoadError(badOption, "Linear: option 'in' must be a whole number", "got 6.5");
  }

  @Test
  void otherFormatVersion() throws IOException {
    Path file = rewrite("v2.safetensors", (tensors, meta) -> meta.put(ModelFile.FORMAT_KEY, "2"));
    assertLoadError(file, "deepzero model format '2'; this version reads format 1");
  }

  @Test
  void weightsOnlyFileIsExplainedAndLoadsWithLoadWeights() throws IOException {
    Sequential model = everyLayer(5);
    Path file = dir.resolve("pytorch.safetensors");
    SafeTensors.write(file, model.stateDict(), Map.of("format", "pt"));
    assertLoadError(file, "holds weights only", "no deepzero architecture", "ModelFile.loadWeights");

    Sequential fresh = everyLayer(6);
    ModelFile.loadWeights(file, fresh);
    assertStateEquals(model.stateDict(), fresh.stateDict());

    Sequential other = new Sequential(new Linear(6, 8, new SplittableRandom(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.loadWeights(file,
        other));
    assertTrue(e.getMessage().startsWith(file + ": the weights do not fit the model"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected keys [1.bias, 1.weight, 2.bias"), e.getMessage());
  }

  @Test
  void corruptFileErrorsNameTheFile() throws IOException {
    Path file = dir.resolve("junk.safetensors");
    Files.writeString(file, "not a model at all, just some text");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().startsWith(file + ": the header length at byte 0 is"), e.getMessage());
  }

  // ---------------------------------------------------------------- atomic save

  @Test
  void interruptedSaveKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    ModelFile.save(file, everyLayer(1), Map.of("version", "old"));
    byte[] old = Files.readAllBytes(file);
    Sequential newer = everyLayer(2);
    Map<String, String> meta = ModelFile.metadata(newer, Map.of("version", "new"));
    for (long cut : new long[] {0, 5, 100, old.length - 1}) {
      IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file,
          ch -> SafeTensors.write(new FailingChannel(ch, cut), newer.stateDict(), meta)));
      assertEquals("simulated failure after " + cut + " bytes", e.getMessage());
      assertArrayEquals(old, Files.readAllBytes(file), "cut at " + cut);
      assertEquals(List.of(file), listDir());
    }
    assertEquals("old", ModelFile.load(file).metadata().get("version"));
  }

  @Test
  void failedFirstSaveLeavesNothing() throws IOException {
    Path file = dir.resolve("new.safetensors");
    assertThrows(IOException.class, () -> AtomicFiles.write(file, ch -> {
      ch.write(ByteBuffer.wrap(new byte[10]));
      throw new IOException("disk full");
    }));
    assertEquals(List.of(), listDir());
  }

  @Test
  void modelThatCannotBeDescribedIsRejectedBeforeTouchingTheFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    ModelFile.save(file, everyLayer(1), Map.of());
    byte[] old = Files.readAllBytes(file);
    Layer odd = new Layer() {
      @Override
      public Tensor forward(Tensor input, Mode mode) {
        return input;
      }

      @Override
      public Tensor backward(Tensor gradOutput) {
        return gradOutput;
      }

      @Override
      public LayerConfig config() {
        return LayerConfig.of("Odd", "callback", new Object());
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.save(file, odd,
        Map.of()));
    assertTrue(e.getMessage().contains("Odd: option 'callback' has a value a model file cannot hold"),
        e.getMessage());
    assertArrayEquals(old, Files.readAllBytes(file));
    assertEquals(List.of(file), listDir());
  }

  @Test
  void saveReplacesAnExistingFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    ModelFile.save(file, everyLayer(1), Map.of("version", "1"));
    ModelFile.save(file, everyLayer(2), Map.of("version", "2"));
    ModelFile.LoadedModel loaded = ModelFile.load(file);
    assertEquals("2", loaded.metadata().get("version"));
    assertStateEquals(everyLayer(2).stateDict(), loaded.model().stateDict());
    assertEquals(List.of(file), listDir());
  }

  @Test
  void savedFileHasTheDirectorysUsualPermissions() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    Path file = dir.resolve("model.safetensors");
    ModelFile.save(file, everyLayer(1), Map.of());
    Path plain = Files.createFile(dir.resolve("plain"));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
  }

  // ---------------------------------------------------------------- helpers

  /** A channel that passes {@code limit} bytes through, then fails as a full disk or a kill would. */
  static final class FailingChannel implements WritableByteChannel {
    private final WritableByteChannel target;
    private final long limit;
    private long written;

    FailingChannel(WritableByteChannel target, long limit) {
      this.target = target;
      this.limit = limit;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (written + src.remaining() > limit) {
        int allowed = (int) (limit - written);
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + allowed);
        target.write(part);
        written = limit;
        throw new IOException("simulated failure after " + limit + " bytes");
      }
      int n = target.write(src);
      written += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return target.isOpen();
    }

    @Override
    public void close() throws IOException {
      target.close();
    }
  }

  private interface Edit {
    void apply(Map<String, Tensor> tensors, Map<String, String> metadata);
  }

  /** A model file of {@link #everyLayer} with its tensors or metadata edited. */
  private Path rewrite(String name, Edit edit) throws IOException {
    Path file = dir.resolve(name);
    Sequential model = everyLayer(1);
    Map<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
    Map<String, String> meta = ModelFile.metadata(model, Map.of());
    edit.apply(tensors, meta);
    SafeTensors.write(file, tensors, meta);
    return file;
  }

  private static void assertLoadError(Path file, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  static void assertStateEquals(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    for (String k : expected.keySet()) {
      assertArrayEquals(expected.get(k).shape(), actual.get(k).shape(), k);
      assertArrayEquals(expected.get(k).data(), actual.get(k).data(), k);
    }
  }
}
