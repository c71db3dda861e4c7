package dev.deepzero.spark;

import dev.deepzero.inference.Preprocessing;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Turns one DataFrame cell into a model input {@code [C, H, W]}, flattened. The cell may be:
 * <ul>
 * <li>an array of numbers (float or double) of exactly {@code C * H * W} values, already scaled as the model
 *     expects (pixels in {@code [0, 1]} for models trained by deepzero), or an ML {@code Vector} of them;</li>
 * <li>a struct of Spark's {@code image} source ({@code spark.read().format("image")}: height, width, nChannels
 *     and BGR(A) bytes in {@code data});</li>
 * <li>the binary {@code content} of Spark's {@code binaryFile} source: PNG, JPEG, GIF or BMP bytes.</li>
 * </ul>
 * Images become values in {@code [0, 1]}, grey or RGB as {@code C} says, resized to {@code H x W} by the core's
 * {@link Preprocessing}, so a picture gives the same input here as in {@code deepzero predict}.
 *
 * @param type the column's type
 * @param shape the model's input shape {@code [C, H, W]}
 */
public record ImageInputs(DataType type, int[] shape) implements Serializable {

  /** Checks that {@code type} is one of the supported column types. */
  public ImageInputs {
    if (!(type instanceof ArrayType || type instanceof VectorUDT || type instanceof BinaryType
        || (type instanceof StructType s && Arrays.asList(s.fieldNames()).containsAll(IMAGE_FIELDS)))) {
      throw new IllegalArgumentException("input column of type " + type.simpleString() + ": need an array of numbers,"
          + " a vector, an image struct (format \"image\") or binary image bytes (format \"binaryFile\")");
    }
    if (shape.length != 3) {
      throw new IllegalArgumentException("input shape must be [C, H, W], got " + Arrays.toString(shape));
    }
  }

  private static final List<String> IMAGE_FIELDS = List.of("height", "width", "nChannels", "data");

  /** The number of values of one input. */
  public int size() {
    return shape[0] * shape[1] * shape[2];
  }

  /**
   * The input of {@code cell}, flattened.
   *
   * @param where names the row in error messages
   * @throws IllegalArgumentException for a cell that cannot become an input of this shape
   */
  public float[] decode(Object cell, String where) {
    if (cell == null) {
      throw new IllegalArgumentException(where + ": the input is null");
    }
    float[] values;
    if (type instanceof ArrayType) {
      values = numbers(asList(cell));
    } else if (type instanceof VectorUDT) {
      double[] d = ((Vector) cell).toArray();
      values = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        values[i] = (float) d[i];
      }
    } else {
      values = picture(image(cell, where));
    }
    if (values.length != size()) {
      throw new IllegalArgumentException(where + ": " + values.length + " values, but the model takes "
          + Arrays.toString(shape) + " = " + size());
    }
    return values;
  }

  private static List<?> asList(Object cell) {
    if (cell instanceof scala.collection.Seq<?> seq) {
      return scala.jdk.javaapi.CollectionConverters.asJava(seq);
    }
    return (List<?>) cell;
  }

  private static float[] numbers(List<?> list) {
    float[] values = new float[list.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = ((Number) list.get(i)).floatValue();
    }
    return values;
  }

  /**
   * The picture of an image cell (an image struct or encoded image bytes), as a Java image.
   *
   * @throws IllegalArgumentException for a cell of another type, or bytes that are no image
   */
  public BufferedImage image(Object cell, String where) {
    if (type instanceof BinaryType) {
      return read((byte[]) cell, where);
    }
    if (type instanceof StructType) {
      return fromImageStruct((Row) cell, where);
    }
    throw new IllegalArgumentException(where + ": a column of " + type.simpleString() + " holds no picture; need an"
        + " image struct (format \"image\") or image bytes (format \"binaryFile\")");
  }

  private float[] picture(BufferedImage image) {
    return new Preprocessing(shape[0], shape[1], shape[2]).apply(image).data();
  }

  private static BufferedImage read(byte[] bytes, String where) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      if (image == null) {
        throw new IllegalArgumentException(where + ": not an image format Java can decode (PNG, JPEG, GIF, BMP)");
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(where + ": cannot decode the image", e);
    }
  }

  /** Spark's image struct (OpenCV layout: rows of BGR or BGRA pixels, or grey bytes) as a Java image. */
  private static BufferedImage fromImageStruct(Row row, String where) {
    int height = row.getInt(row.fieldIndex("height"));
    int width = row.getInt(row.fieldIndex("width"));
    int channels = row.getInt(row.fieldIndex("nChannels"));
    byte[] data = (byte[]) row.get(row.fieldIndex("data"));
    if (data.length != height * width * channels || (channels != 1 && channels != 3 && channels != 4)) {
      throw new IllegalArgumentException(where + ": image struct of " + width + "x" + height + "x" + channels
          + " with " + data.length + " bytes");
    }
    int type = channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
    BufferedImage image = new BufferedImage(width, height, type);
    byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    if (channels == 4) { // BGRA: drop alpha
      for (int i = 0, j = 0; i < data.length; i += 4, j += 3) {
        target[j] = data[i];
        target[j + 1] = data[i + 1];
        target[j + 2] = data[i + 2];
      }
    } else { // grey bytes, or BGR as TYPE_3BYTE_BGR stores it
      System.arraycopy(data, 0, target, 0, data.length);
    }
    return image;
  }
}
