package dev.deepzero.cli;

import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code deepzero summary}: what a model file holds. */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print a model file's layers, output shapes and parameter counts, and its metadata.")
final class SummaryCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (.safetensors written by deepzero).")
  Path modelFile;

  @Override
  public Integer call() throws IOException {
    ModelFile.LoadedModel loaded = ModelFile.load(modelFile);
    Layer model = loaded.model();
    Map<String, String> meta = loaded.metadata();
    System.out.println(modelFile);
    for (Map.Entry<String, String> e : meta.entrySet()) {
      if (!e.getKey().equals("metrics_csv")) {
        System.out.printf("  %-12s %s%n", e.getKey(), e.getValue());
      }
    }
    System.out.println();
    Sequential sequential = model instanceof Sequential ? (Sequential) model : new Sequential(model);
    if (meta.containsKey(ModelMetadata.INPUT_SHAPE_KEY)) {
      System.out.print(sequential.summary(ModelMetadata.read(modelFile, meta).inputShape()));
    } else {
      for (int i = 0; i < sequential.size(); i++) {
        System.out.printf("%-4d %s%n", i, sequential.get(i));
      }
      System.out.printf("total trainable parameters: %,d%n", sequential.parameterCount());
    }
    return 0;
  }
}
