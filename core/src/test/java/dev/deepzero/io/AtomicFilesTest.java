package dev.deepzero.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void theNextSaveRemovesTheTemporaryFilesOfKilledSavesToTheSameTargetOnly() throws IOException {
    Path target = dir.resolve("m.safetensors");
    List<Path> leftovers = List.of(dir.resolve(".m.safetensors.1f3a9c.tmp"),
        dir.resolve(".m.safetensors.ffffffffffffffff.tmp"));
    List<Path> others = List.of(dir.resolve(".n.safetensors.1f3a9c.tmp"), dir.resolve("m.safetensors.tmp"),
        dir.resolve(".m.safetensors.notes.tmp"), dir.resolve(".m.safetensors.1f3a9c.tmp.bak"),
        dir.resolve(".xm.safetensors.1f3a9c.tmp"));
    for (Path p : leftovers) {
      Files.writeString(p, "half a model");
    }
    for (Path p : others) {
      Files.writeString(p, "keep me");
    }
    AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8))));
    assertEquals("new", Files.readString(target));
    for (Path p : leftovers) {
      assertFalse(Files.exists(p), p + " should be gone");
    }
    for (Path p : others) {
      assertTrue(Files.exists(p), p + " should be kept");
    }
  }
}
