package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from local files and a local HTTP server only: the tests never touch the network. */
class DownloaderTest {

  @TempDir
  Path tmp;

  private final List<String> log = new ArrayList<>();

  private Downloader downloader() {
    return Downloader.create(log::add);
  }

  @Test
  void downloadsFromAFileUrlAndTheResultLoads() throws IOException {
    Path mirror = IdxFiles.writeSet(tmp.resolve("mirror"), 20, 10, true, 5);
    Path target = tmp.resolve("home/.deepzero/data/fashion-mnist");
    downloader().download(mirror.toUri(), target, 20, 10);
    for (String name : Mnist.FILE_NAMES) {
      assertArrayEquals(Files.readAllBytes(mirror.resolve(name + ".gz")), Files.readAllBytes(target.resolve(name
          + ".gz")));
    }
    assertEquals(4, leftovers(target).size(), "the four files, no staging folder left");
    assertEquals(20, Mnist.load(target, Mnist.Variant.FASHION).train().size());
    assertTrue(log.get(log.size() - 1).startsWith("saved 20 training and 10 test samples"), log.toString());
  }

  @Test
  void downloadsOverHttpFromALocalServer() throws IOException {
    Path mirror = IdxFiles.writeSet(tmp.resolve("mirror"), 20, 10, true, 6);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/data/fashion/", exchange -> {
      Path file = mirror.resolve(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
      if (Files.isRegularFile(file)) {
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      Path target = tmp.resolve("target");
      // No trailing slash: the downloader adds it.
      downloader().download(URI.create(base + "/data/fashion"), target, 20, 10);
      assertEquals(10, Mnist.load(target, Mnist.Variant.FASHION).test().size());

      Files.delete(mirror.resolve(Mnist.TEST_LABELS + ".gz"));
      Path other = tmp.resolve("other");
      IOException e = assertThrows(IOException.class,
          () -> downloader().download(URI.create(base + "/data/fashion/"), other, 20, 10));
      assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains(Mnist.TEST_LABELS),
          e.getMessage());
      assertEquals(List.of(), leftovers(other));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void wrongCountsLeaveTheTargetAsItWas() throws IOException {
    Path mirror = IdxFiles.writeSet(tmp.resolve("mirror"), 20, 10, true, 5);
    Path target = IdxFiles.writeSet(tmp.resolve("target"), 30, 10, true, 9);
    byte[] before = Files.readAllBytes(target.resolve(Mnist.TRAIN_IMAGES + ".gz"));
    DataFileException e = assertThrows(DataFileException.class,
        () -> downloader().download(mirror.toUri(), target, 60_000, 10_000));
    assertTrue(e.getMessage().contains("downloaded 20 samples, expected 60000"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(target.resolve(Mnist.TRAIN_IMAGES + ".gz")));
    assertEquals(4, leftovers(target).size(), "only the four old files, no staging folder");
  }

  @Test
  void aDamagedDownloadIsRejected() throws IOException {
    Path mirror = IdxFiles.writeSet(tmp.resolve("mirror"), 20, 10, true, 5);
    byte[] gz = Files.readAllBytes(mirror.resolve(Mnist.TEST_IMAGES + ".gz"));
    Files.write(mirror.resolve(Mnist.TEST_IMAGES + ".gz"), java.util.Arrays.copyOf(gz, gz.length - 100));
    Path target = tmp.resolve("target");
    DataFileException e = assertThrows(DataFileException.class,
        () -> downloader().download(mirror.toUri(), target, 20, 10));
    assertTrue(e.getMessage().startsWith(mirror.toUri().resolve(Mnist.TEST_IMAGES + ".gz") + ": ")
        && e.getMessage().contains("truncated"), e.getMessage());
    assertEquals(List.of(), leftovers(target));
  }

  @Test
  void anUnreachableServerGivesAClearMessage() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Path target = tmp.resolve("target");
    IOException e = assertThrows(IOException.class,
        () -> downloader().download(URI.create("http://127.0.0.1:" + closedPort + "/"), target, 20, 10));
    assertTrue(e.getMessage().startsWith("could not download http://127.0.0.1:" + closedPort + "/"
        + Mnist.TRAIN_IMAGES + ".gz"), e.getMessage());
    assertTrue(e.getMessage().contains("check the network"), e.getMessage());
    assertEquals(List.of(), leftovers(target));
  }

  @Test
  void aMissingLocalFileGivesAClearMessage() {
    Path target = tmp.resolve("target");
    IOException e = assertThrows(IOException.class,
        () -> downloader().download(tmp.resolve("nowhere").toUri(), target, 20, 10));
    assertTrue(e.getMessage().startsWith("could not copy ") && e.getMessage().contains("NoSuchFileException"),
        e.getMessage());
  }

  @Test
  void theOfficialUrlIsTheUpstreamDataFolder() {
    assertEquals("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"
        + Mnist.TRAIN_IMAGES + ".gz", Downloader.FASHION_MNIST_URL.resolve(Mnist.TRAIN_IMAGES + ".gz").toString());
  }

  private static List<Path> leftovers(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
