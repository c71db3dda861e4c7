package dev.deepzero.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real browser: headless Chromium loads it, a test image is picked in the file input, and the
 * rendered result must match what the API answers for that image. Screenshots are left in
 * {@code target/page-*.png} for a person to look at.
 */
class PageTest {

  @TempDir
  Path dir;

  @Test
  void thePageShowsTopClassesAndDetectedBoxes() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.available(), "page test skipped: no Chromium at "
        + HeadlessChromium.BINARY + " (Debian: apt-get install chromium)");
    Path clf = TestModels.classifier(dir);
    Path det = TestModels.detector(dir);
    Path item = Files.write(dir.resolve("item.png"), TestModels.fashionPng(0));
    Path shapes = Files.write(dir.resolve("shapes.png"), TestModels.shapesPng());
    try (InferenceServer server = InferenceServer.start(Map.of("fashion", clf, "shapes", det),
        ServerOptions.defaults().withPort(0).withLog(line -> { }));
        HeadlessChromium browser = HeadlessChromium.start(1000, 720)) {
      Http http = new Http(server.uri());
      browser.send("Page.navigate", Map.of("url", server.uri().toString()));
      browser.await("document.getElementById('summary').textContent.includes('total trainable parameters')");

      String model = (String) browser.evaluate("document.getElementById('model').value");
      browser.evaluate("document.getElementById('model').value = 'fashion';"
          + " document.getElementById('model').dispatchEvent(new Event('change')); true");
      browser.await("document.getElementById('kind').textContent.startsWith('classifier')");
      browser.chooseFile("#file", item);
      assertTrue(((String) browser.await("document.getElementById('status').textContent.startsWith('done') &&"
          + " document.getElementById('status').textContent")).startsWith("done: 5 classes"));
      List<?> shown = (List<?>) Json.parse((String) browser.evaluate("JSON.stringify([...document.querySelectorAll("
          + "'#result .bar-row')].map(r => [r.dataset.className, r.querySelector('.num').textContent]))"));
      List<Object> expected = new ArrayList<>();
      for (Object o : (List<?>) http.post("predictions/fashion", "image/png", Files.readAllBytes(item)).json()) {
        Map<?, ?> row = (Map<?, ?>) o;
        expected.add(List.of(row.get("className"), String.format(java.util.Locale.ROOT, "%.1f%%",
            100 * ((Number) row.get("probability")).doubleValue())));
      }
      assertEquals(expected, shown, "the bars show the API's top classes (the first model was " + model + ")");
      Files.write(Path.of("target/page-classifier.png"), browser.screenshot());

      browser.evaluate("document.getElementById('model').value = 'shapes';"
          + " document.getElementById('model').dispatchEvent(new Event('change')); true");
      browser.await("document.getElementById('kind').textContent.startsWith('detector')");
      browser.chooseFile("#file", shapes);
      browser.await("document.getElementById('status').textContent.startsWith('done')");
      int found = ((List<?>) http.post("predictions/shapes", "image/png", Files.readAllBytes(shapes)).json()).size();
      assertEquals(found, ((Number) browser.evaluate("document.querySelectorAll('#result .detection').length"))
          .intValue());
      // The 96 x 64 image is drawn 4 times larger, with a box outline in the palette's first colour.
      assertEquals(List.of(384L, 256L), browser.evaluate("[document.getElementById('canvas').width,"
          + " document.getElementById('canvas').height]"));
      Object outlined = browser.evaluate("(() => { const g = document.getElementById('canvas').getContext('2d');"
          + " const d = g.getImageData(0, 0, 384, 256).data; for (let i = 0; i < d.length; i += 4) {"
          + " if (d[i] === 0xe6 && d[i + 1] === 0x19 && d[i + 2] === 0x4b) return true; } return false; })()");
      assertEquals(Boolean.TRUE, outlined, "a box is drawn on the canvas");
      Files.write(Path.of("target/page-detector.png"), browser.screenshot());
    }
  }
}
