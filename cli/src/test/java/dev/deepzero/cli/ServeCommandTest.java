package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.ModelFile;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Sequential;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deepzero serve} as a user runs it: a separate JVM that serves until SIGTERM, then stops gracefully. */
class ServeCommandTest {

  @TempDir
  Path dir;

  private Path model() throws Exception {
    Sequential mlp = Models.byName("mlp", 1, 28, 28, 3, new SplittableRandom(5));
    Path file = dir.resolve("tiny.safetensors");
    ModelFile.save(file, mlp, ModelMetadata.classifier(List.of("a", "b", "c"), 1, 28, 28).entries());
    return file;
  }

  @Test
  void servesUntilSigtermThenStopsGracefully() throws Exception {
    Path model = model();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", model.toString(), "--port", "0").redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Pattern serving = Pattern.compile("deepzero serve: tiny on http://127\\.0\\.0\\.1:(\\d+)/ .*");
      StringBuilder seen = new StringBuilder();
      Matcher m = null;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen.append(line).append('\n');
        m = serving.matcher(line);
        if (m.matches()) {
          break;
        }
      }
      assertTrue(m != null && m.matches(), seen.toString());
      HttpResponse<String> ping = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + m.group(1) + "/ping")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ping.statusCode());
      p.toHandle().destroy();  // SIGTERM; Process.destroy would also close the output we still read
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server stopped");
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen.append(line).append('\n');
      }
      assertEquals(143, p.exitValue(), seen.toString());
      assertTrue(seen.toString().contains("\"GET /ping\" 200"), seen.toString());
      assertTrue(seen.toString().contains("deepzero serve: stopped\n"), seen.toString());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void badModelsAndNamesAreReportedWithoutAStackTrace() throws Exception {
    CliRun missing = CliRun.run("serve", dir.resolve("none.safetensors").toString(), "--port", "0");
    assertEquals(2, missing.status(), missing.all());
    assertTrue(missing.err().startsWith("deepzero: "), missing.all());
    Path model = model();
    CliRun badName = CliRun.run("serve", "no/slash=" + model, "--port", "0");
    assertEquals(2, badName.status(), badName.all());
    assertTrue(badName.err().contains("must match"), badName.all());
    CliRun twice = CliRun.run("serve", model.toString(), "tiny=" + model, "--port", "0");
    assertEquals(2, twice.status(), twice.all());
    assertTrue(twice.err().contains("two models are named 'tiny'"), twice.all());
    assertTrue(Files.exists(model));
  }
}
