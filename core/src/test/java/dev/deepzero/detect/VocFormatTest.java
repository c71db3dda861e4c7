package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.DataFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocFormatTest {

  /** DN data/voc.names. */
  static final List<String> VOC = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
      "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
      "tvmonitor");

  /** VOC2007 000001.xml, with a person-layout part added to check it is not read as an object. */
  private static final String VOC_000001 = """
      <annotation>
        <folder>VOC2007</folder>
        <filename>000001.jpg</filename>
        <source><database>The VOC2007 Database</database></source>
        <size><width>353</width><height>500</height><depth>3</depth></size>
        <segmented>0</segmented>
        <object>
          <name>dog</name><pose>Left</pose><truncated>1</truncated><difficult>0</difficult>
          <bndbox><xmin>48</xmin><ymin>240</ymin><xmax>195</xmax><ymax>371</ymax></bndbox>
        </object>
        <object>
          <name>person</name><pose>Left</pose><truncated>1</truncated><difficult>0</difficult>
          <bndbox><xmin>8</xmin><ymin>12</ymin><xmax>352</xmax><ymax>498</ymax></bndbox>
          <part><name>head</name><bndbox><xmin>100</xmin><ymin>20</ymin><xmax>150</xmax><ymax>80</ymax></bndbox></part>
        </object>
      </annotation>
      """;

  @Test
  void readsVoc2007AndConvertsAsVocLabelPy(@TempDir Path dir) throws Exception {
    Path xml = dir.resolve("000001.xml");
    Files.writeString(xml, VOC_000001);
    List<String> warnings = new ArrayList<>();
    VocFormat.Annotation a = VocFormat.read(xml, VOC, warnings::add);
    assertEquals("000001.jpg", a.filename());
    assertEquals(353, a.width());
    assertEquals(500, a.height());
    assertEquals(2, a.objects().size(), "the <part> box is not an object");
    assertEquals(new LabeledBox(new Box(47, 239, 194, 370), 11), a.objects().get(0));
    assertTrue(warnings.isEmpty(), warnings.toString());
    // Worked by hand with darknet's voc_label.py conversion (x = ((xmin + xmax)/2 - 1)/W, w = (xmax - xmin)/W):
    // dog -> 11 0.341360 0.609000 0.416431 0.262000; person -> 14 0.507082 0.508000 0.974504 0.972000
    List<LabeledBox> n = a.normalizedObjects();
    assertYolo(n.get(0), 11, 0.341360, 0.609000, 0.416431, 0.262000);
    assertYolo(n.get(1), 14, 0.507082, 0.508000, 0.974504, 0.972000);
  }

  static void assertYolo(LabeledBox o, int cls, double cx, double cy, double w, double h) {
    assertEquals(cls, o.classId());
    assertEquals(cx, o.box().centerX(), 1e-6);
    assertEquals(cy, o.box().centerY(), 1e-6);
    assertEquals(w, o.box().width(), 1e-6);
    assertEquals(h, o.box().height(), 1e-6);
  }

  @Test
  void rejectsExternalEntities(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-CONTENT");
    Path xml = dir.resolve("evil.xml");
    Files.writeString(xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [<!ENTITY xxe SYSTEM \"" + secret.toUri()
        + "\">]>\n<annotation><size><width>10</width><height>10</height></size>"
        + "<object><name>&xxe;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>"
        + "</object></annotation>");
    List<String> warnings = new ArrayList<>();
    DataFileException e = assertThrows(DataFileException.class,
        () -> VocFormat.read(xml, List.of("TOP-SECRET-CONTENT"), warnings::add));
    assertTrue(e.getMessage().contains("evil.xml") && e.getMessage().contains("DOCTYPE"), e.getMessage());
    assertFalse(e.getMessage().contains("TOP-SECRET-CONTENT"));
    assertTrue(warnings.isEmpty());
    // An external DTD is refused too (nothing is fetched).
    Files.writeString(xml, "<!DOCTYPE annotation SYSTEM \"http://127.0.0.1:9/x.dtd\"><annotation/>");
    assertThrows(DataFileException.class, () -> VocFormat.read(xml, VOC, warnings::add));
  }

  @Test
  void degenerateBoxesAreClippedOrSkippedWithWarnings(@TempDir Path dir) throws Exception {
    Path xml = dir.resolve("bad.xml");
    Files.writeString(xml, "<annotation><size><width>100</width><height>50</height></size>"
        + object("dog", 10, 10, 10, 30) // zero width
        + object("dog", 40, 10, 20, 30) // negative width
        + object("dog", 200, 10, 300, 30) // outside
        + object("dog", -5, 10, 120, 30) // clipped to the image
        + object("unicorn", 1, 1, 5, 5) // unknown class
        + "<object><name>cat</name><difficult>1</difficult><bndbox><xmin>2</xmin><ymin>2</ymin><xmax>8</xmax>"
        + "<ymax>9</ymax></bndbox></object></annotation>");
    List<String> warnings = new ArrayList<>();
    VocFormat.Annotation a = VocFormat.read(xml, VOC, warnings::add);
    assertEquals(List.of(new LabeledBox(new Box(0, 9, 99, 29), 11), new LabeledBox(new Box(1, 1, 7, 8), 7, true)),
        a.objects());
    assertEquals(5, warnings.size(), warnings.toString());
    assertTrue(warnings.stream().allMatch(w -> w.contains("bad.xml object")), warnings.toString());
    assertTrue(warnings.get(4).contains("unicorn") && warnings.get(4).contains("aeroplane"));
  }

  private static String object(String name, int x0, int y0, int x1, int y1) {
    return "<object><name>" + name + "</name><bndbox><xmin>" + x0 + "</xmin><ymin>" + y0 + "</ymin><xmax>" + x1
        + "</xmax><ymax>" + y1 + "</ymax></bndbox></object>";
  }

  @Test
  void malformedFilesNameTheFileAndField(@TempDir Path dir) throws Exception {
    Path xml = dir.resolve("broken.xml");
    Files.writeString(xml, "<annotation><size><width>abc</width><height>5</height></size></annotation>");
    DataFileException e = assertThrows(DataFileException.class, () -> VocFormat.read(xml, VOC, w -> {}));
    assertTrue(e.getMessage().contains("broken.xml") && e.getMessage().contains("width"), e.getMessage());
    Files.writeString(xml, "<annotation><size>");
    assertThrows(DataFileException.class, () -> VocFormat.read(xml, VOC, w -> {}));
    Files.writeString(xml, "<annotation><size><width>5</width><height>5</height></size>" + "<object><name>dog</name>"
        + "</object></annotation>");
    e = assertThrows(DataFileException.class, () -> VocFormat.read(xml, VOC, w -> {}));
    assertTrue(e.getMessage().contains("bndbox"), e.getMessage());
  }

  @Test
  void writeThenReadRoundTrips(@TempDir Path dir) throws Exception {
    VocFormat.Annotation a = new VocFormat.Annotation("x.png", 64, 48, 3,
        List.of(new LabeledBox(new Box(0, 3, 20, 47), 2), new LabeledBox(new Box(5.5, 6, 7, 8), 0, true)));
    Path xml = dir.resolve("x.xml");
    VocFormat.write(xml, a, VOC);
    assertEquals(a, VocFormat.read(xml, VOC, w -> {}));
    assertTrue(Files.readString(xml).contains("<xmin>1</xmin>"), "1-based on disk");
  }
}
