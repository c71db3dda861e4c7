package dev.deepzero.cli;

import dev.deepzero.data.Images;
import dev.deepzero.detect.BoxDrawing;
import dev.deepzero.detect.Detection;
import dev.deepzero.inference.Detector;
import dev.deepzero.io.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepzero detect}: finds objects in images with a trained detector and draws them. */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Detect objects in PNG/JPEG images with a model from 'deepzero detect-train': prints each"
        + " detection (class, score, box in the image's pixels) and writes a PNG per image with the boxes, class"
        + " names and scores drawn.")
final class DetectCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "A model file from 'deepzero detect-train'.")
  Path modelFile;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "Image files (PNG or JPEG).")
  List<Path> images;

  @Option(names = "--threshold", defaultValue = "0.2",
      description = "Keep detections scoring above this (darknet's default; default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--nms", defaultValue = "0.4",
      description = "Suppress same-class boxes overlapping a better one by more than this IoU (default:"
          + " ${DEFAULT-VALUE}).")
  double nms;

  @Option(names = "--out", defaultValue = "runs/detections",
      description = "Folder for the drawn PNGs, <image>-detections.png, numbered -2, -3.. where two inputs share a"
          + " name or the name is an input's (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Print one JSON line per image.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Detector detector = Detector.load(modelFile);
    Reports.checkWritable(out);
    List<Path> outputs = Reports.outputNames(images, out, "-detections.png");
    for (int i = 0; i < images.size(); i++) {
      Path image = images.get(i);
      Path drawn = outputs.get(i);
      BufferedImage picture = Images.read(image);
      List<Detection> found = detector.detect(List.of(picture), threshold, nms).get(0);
      ImageIO.write(BoxDrawing.draw(picture, found, detector.classNames()), "png", drawn.toFile());
      if (json) {
        List<Object> rows = new ArrayList<>();
        for (Detection d : found) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("class", detector.classNames().get(d.classId()));
          row.put("score", d.score());
          row.put("box", List.of(d.box().xmin(), d.box().ymin(), d.box().xmax(), d.box().ymax()));
          rows.add(row);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", image.toString());
        line.put("drawn", drawn.toString());
        line.put("detections", rows);
        System.out.println(Json.write(line));
      } else {
        System.out.printf("%s: %d object%s -> %s%n", image, found.size(), found.size() == 1 ? "" : "s", drawn);
        for (Detection d : found) {
          System.out.printf("  %-14s %5.3f  (%.0f, %.0f) - (%.0f, %.0f)%n", detector.classNames().get(d.classId()),
              d.score(), d.box().xmin(), d.box().ymin(), d.box().xmax(), d.box().ymax());
        }
      }
    }
    return 0;
  }
}
