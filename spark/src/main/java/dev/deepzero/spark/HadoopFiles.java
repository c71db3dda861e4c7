package dev.deepzero.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Whole files on any file system Hadoop reaches (local, HDFS, S3): where Spark ML models are saved. */
final class HadoopFiles {

  private HadoopFiles() {}

  static byte[] read(String path, Configuration conf) {
    Path source = new Path(path);
    try (InputStream in = source.getFileSystem(conf).open(source)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  static void write(String path, byte[] bytes, Configuration conf) {
    Path target = new Path(path);
    try {
      FileSystem fs = target.getFileSystem(conf);
      try (OutputStream os = fs.create(target, true)) {
        os.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
