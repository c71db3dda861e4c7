package dev.deepzero.detect;

import dev.deepzero.data.DataFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * PASCAL VOC XML annotations ({@code Annotations/<id>.xml}): image size and the top-level {@code <object>}s
 * with {@code name}, {@code difficult} and {@code bndbox}. {@code <part>} boxes inside an object (person
 * layout) are not objects and are ignored, as py-faster-rcnn's {@code parse_rec} does.
 *
 * <p>Coordinates are read as doubles (third-party tools write floats) and made 0-based by subtracting 1, as
 * py-faster-rcnn and darknet's {@code voc_label.py} do; see {@link Box} for the convention. Objects of unknown
 * classes are skipped with a warning (darknet's choice), and degenerate boxes are clipped or skipped with a
 * warning naming the file and object.
 *
 * <p>The parser refuses any DOCTYPE, so neither external entities (XXE) nor DTDs are ever resolved: VOC files
 * have no DOCTYPE, and a file with one is rejected with a {@link DataFileException} naming it.
 */
public final class VocFormat {

  private VocFormat() {}

  /**
   * One annotation file.
   *
   * @param filename the image file name it describes
   * @param width image width in pixels
   * @param height image height in pixels
   * @param depth channels
   * @param objects the objects, 0-based pixel boxes
   */
  public record Annotation(String filename, int width, int height, int depth, List<LabeledBox> objects) {

    /** The objects with boxes in fractions of the image: darknet's {@code voc_label.py} conversion. */
    public List<LabeledBox> normalizedObjects() {
      return objects.stream().map(o -> o.withBox(o.box().scale(1.0 / width, 1.0 / height))).toList();
    }
  }

  /**
   * Reads one annotation.
   *
   * @param classNames the valid class names; a name's index is its class id
   * @param warn receives one message per skipped or clipped object
   * @throws DataFileException for a DOCTYPE, malformed XML, a missing or non-numeric field or a size that is not
   *     positive, a file that is not a regular file (a FIFO) or is over 64 MB, naming the file
   */
  public static Annotation read(Path file, List<String> classNames, Consumer<String> warn) throws IOException {
    Labels.requireReadableText(file);
    Document doc;
    try (InputStream in = Files.newInputStream(file)) {
      doc = newBuilder().parse(in, file.toUri().toString());
    } catch (SAXException e) {
      throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, "not a VOC annotation: "
          + e.getMessage(), e);
    }
    Element root = doc.getDocumentElement();
    Element size = child(root, "size", file);
    int width = (int) number(size, "width", file);
    int height = (int) number(size, "height", file);
    int depth = optionalChild(size, "depth") == null ? 3 : (int) number(size, "depth", file);
    if (width <= 0 || height <= 0) {
      throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, "image size " + width + " x "
          + height + " is not positive");
    }
    List<LabeledBox> objects = new ArrayList<>();
    int index = 0;
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element object) || !object.getTagName().equals("object")) {
        continue;
      }
      index++;
      String where = file + " object " + index;
      String name = text(child(object, "name", file)).strip();
      int cls = classNames.indexOf(name);
      if (cls < 0) {
        warn.accept(where + ": skipped unknown class '" + name + "'; valid: " + classNames);
        continue;
      }
      Element difficult = optionalChild(object, "difficult");
      boolean isDifficult = difficult != null && text(difficult).strip().equals("1");
      Element bnd = child(object, "bndbox", file);
      Box box = new Box(number(bnd, "xmin", file) - 1, number(bnd, "ymin", file) - 1, number(bnd, "xmax", file) - 1,
          number(bnd, "ymax", file) - 1);
      Labels.sanitize(new LabeledBox(box, cls, isDifficult), width - 1, height - 1, where, warn)
          .ifPresent(objects::add);
    }
    Element filename = optionalChild(root, "filename");
    return new Annotation(filename == null ? "" : text(filename).strip(), width, height, depth,
        List.copyOf(objects));
  }

  /**
   * Writes one annotation, boxes converted back to VOC's 1-based pixel indices.
   *
   * @param annotation Not modified
   * @param classNames the name of each class id
   */
  public static void write(Path file, Annotation annotation, List<String> classNames) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("<annotation>\n  <folder>deepzero</folder>\n  <filename>").append(escape(annotation.filename()))
        .append("</filename>\n  <size><width>").append(annotation.width()).append("</width><height>")
        .append(annotation.height()).append("</height><depth>").append(annotation.depth())
        .append("</depth></size>\n  <segmented>0</segmented>\n");
    for (LabeledBox o : annotation.objects()) {
      Box b = o.box();
      sb.append("  <object>\n    <name>").append(escape(classNames.get(o.classId())))
          .append("</name>\n    <pose>Unspecified</pose>\n    <truncated>0</truncated>\n    <difficult>")
          .append(o.difficult() ? 1 : 0).append("</difficult>\n    <bndbox><xmin>").append(coordinate(b.xmin()))
          .append("</xmin><ymin>").append(coordinate(b.ymin())).append("</ymin><xmax>").append(coordinate(b.xmax()))
          .append("</xmax><ymax>").append(coordinate(b.ymax())).append("</ymax></bndbox>\n  </object>\n");
    }
    sb.append("</annotation>\n");
    YoloFormat.createParent(file);
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** A 0-based coordinate as VOC's 1-based index: an integer when it is one, as VOC writes them. */
  private static String coordinate(double zeroBased) {
    double v = zeroBased + 1;
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A parser that refuses DOCTYPEs and never fetches anything: the OWASP XXE settings for DOM. */
  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder builder = f.newDocumentBuilder();
      builder.setErrorHandler(new ErrorHandler() {
        // Without a handler the JDK parser prints "[Fatal Error]" to stderr before throwing.
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      });
      return builder;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK XML parser lacks a required security feature", e);
    }
  }

  private static Element optionalChild(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }

  private static Element child(Element parent, String tag, Path file) throws DataFileException {
    Element e = optionalChild(parent, tag);
    if (e == null) {
      throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, "<" + parent.getTagName()
          + "> has no <" + tag + ">");
    }
    return e;
  }

  private static String text(Element e) {
    return e.getTextContent();
  }

  private static double number(Element parent, String tag, Path file) throws DataFileException {
    String s = text(child(parent, tag, file)).strip();
    try {
      double v = Double.parseDouble(s);
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below with the file and field
    }
    throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, "<" + tag + "> '" + s
        + "' is not a finite number");
  }
}
