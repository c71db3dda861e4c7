package dev.deepzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering of DESIGN.md, checked by a plain scan of the sources: each package of the library may use
 * only the packages listed for it, and only {@code kernel} may touch {@code jdk.incubator.vector}.
 */
class ArchitectureTest {

  private static final String BASE = "dev.deepzero";
  private static final Path CORE_SOURCES = Paths.get("src/main/java");
  private static final Path PANAMA_SOURCES = Paths.get("src/panama/java");
  private static final Path CLI_SOURCES = Paths.get("../cli/src/main/java");
  private static final Path INTEROP_SOURCES = Paths.get("../interop/src/main/java");

  private static final Set<String> EVERYTHING = Set.of("kernel", "tensor", "nn", "nn.layers", "loss", "optim",
      "data", "train", "gradcheck", "examples", "io", "models", "detect", "plot", "inference");

  /** Package (relative to dev.deepzero) to the packages it may use besides itself. */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("kernel", Set.of()),
      Map.entry("plot", Set.of()),
      Map.entry("tensor", Set.of("kernel")),
      Map.entry("nn", Set.of("tensor", "kernel")),
      Map.entry("nn.layers", Set.of("nn", "tensor", "kernel")),
      Map.entry("loss", Set.of("tensor", "kernel")),
      Map.entry("optim", Set.of("nn", "tensor", "kernel")),
      Map.entry("data", Set.of("tensor", "kernel")),
      Map.entry("train", Set.of("data", "optim", "loss", "nn", "nn.layers", "tensor", "kernel")),
      Map.entry("gradcheck", Set.of("loss", "nn", "nn.layers", "tensor", "kernel")),
      Map.entry("examples", without(EVERYTHING, "examples")),
      Map.entry("io", Set.of("nn", "nn.layers", "optim", "tensor", "kernel")),
      Map.entry("models", Set.of("nn", "nn.layers", "tensor", "kernel")),
      Map.entry("detect", without(EVERYTHING, "examples", "detect", "inference")),
      Map.entry("inference", Set.of("tensor", "nn", "nn.layers", "data", "io", "detect", "kernel")),
      // The interop module: file formats of other software, above the core.
      Map.entry("interop.onnx", Set.of("io", "nn", "tensor")),
      Map.entry("interop.darknet", Set.of("io", "nn", "nn.layers", "tensor", "detect")),
      Map.entry("interop.pytorch", Set.of("io", "nn", "tensor")));

  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.deepzero((?:\\.[a-z][a-z0-9_]*)+)");
  private static final Pattern PACKAGE_LINE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
  private static final Pattern VECTOR_API = Pattern.compile("\\bjdk\\.incubator\\.vector\\b");

  private static Set<String> without(Set<String> all, String... removed) {
    Set<String> s = new TreeSet<>(all);
    s.removeAll(List.of(removed));
    return Set.copyOf(s);
  }

  @Test
  void everyPackageUsesOnlyTheAllowedLowerPackages() {
    List<Path> files = javaFiles(CORE_SOURCES, PANAMA_SOURCES, INTEROP_SOURCES);
    assertTrue(files.size() > 20, "scanned only " + files + " from " + CORE_SOURCES.toAbsolutePath());
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      problems.addAll(violations(file.toString(), read(file)));
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void onlyTheKernelPackageTouchesTheVectorApi() {
    List<String> problems = new ArrayList<>();
    for (Path file : javaFiles(CORE_SOURCES, PANAMA_SOURCES, CLI_SOURCES, INTEROP_SOURCES)) {
      String code = stripCommentsAndStrings(read(file));
      if (VECTOR_API.matcher(code).find() && !packageOf(code).equals(BASE + ".kernel")) {
        problems.add(file + " uses jdk.incubator.vector outside " + BASE + ".kernel");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everyPackageHasAPackageInfo() {
    List<String> missing = new ArrayList<>();
    for (Path root : List.of(CORE_SOURCES, CLI_SOURCES, INTEROP_SOURCES)) {
      assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " is missing");
      Set<Path> packageDirs = javaFiles(root).stream().map(Path::getParent).collect(Collectors.toSet());
      for (Path dir : packageDirs) {
        if (!Files.exists(dir.resolve("package-info.java"))) {
          missing.add(dir.toString());
        }
      }
    }
    assertTrue(missing.isEmpty(), "packages without package-info.java: " + missing);
  }

  @Test
  void theScannerFlagsViolationsAndUnknownPackagesButIgnoresComments() {
    String ok = "package dev.deepzero.nn;\n// see dev.deepzero.train.Trainer\n/** {@link dev.deepzero.optim.Sgd} */\n"
        + "import dev.deepzero.tensor.Tensor;\nclass A { String s = \"dev.deepzero.cli.Main\"; }";
    assertEquals(List.of(), violations("A.java", ok));
    String upward = "package dev.deepzero.tensor;\nimport dev.deepzero.nn.Layer;\nclass B {}";
    List<String> v = violations("B.java", upward);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).contains("tensor") && v.get(0).contains("nn"), v.get(0));
    String qualified = "package dev.deepzero.loss;\nclass C { Object o = new dev.deepzero.optim.Sgd(null, 1); }";
    assertEquals(1, violations("C.java", qualified).size());
    String unknown = "package dev.deepzero.quantum;\nclass D {}";
    List<String> u = violations("D.java", unknown);
    assertEquals(1, u.size());
    assertTrue(u.get(0).contains("add it to the table"), u.get(0));
    assertFalse(VECTOR_API.matcher(stripCommentsAndStrings("// jdk.incubator.vector\nclass E {}")).find());
  }

  /** The rule violations of one source file. */
  private static List<String> violations(String file, String source) {
    String code = stripCommentsAndStrings(source);
    String pkg = packageOf(code);
    if (!pkg.equals(BASE) && !pkg.startsWith(BASE + ".")) {
      return List.of(file + ": package " + pkg + " is outside " + BASE);
    }
    String self = pkg.equals(BASE) ? "" : pkg.substring(BASE.length() + 1);
    Set<String> allowed = ALLOWED.get(self);
    if (allowed == null) {
      return List.of(file + ": package " + pkg + " is not in ArchitectureTest's dependency table; add it to the "
          + "table with the packages it may use");
    }
    List<String> problems = new ArrayList<>();
    Matcher m = REFERENCE.matcher(PACKAGE_LINE.matcher(code).replaceFirst(""));
    while (m.find()) {
      String used = usedPackage(m.group(1).substring(1));
      if (!used.equals(self) && !allowed.contains(used)) {
        problems.add(file + ": " + self + " uses " + BASE + "." + m.group(1).substring(1) + " (package " + used
            + "), but may use only " + new TreeSet<>(allowed));
      }
    }
    return problems;
  }

  /**
   * The package part of a reference: the longest known package that prefixes it, so {@code nn.layers.Linear}
   * (lowercase segments only here) is {@code nn.layers}, not {@code nn}. A reference to an unknown package
   * names itself, which no table allows.
   */
  private static String usedPackage(String lowercaseSegments) {
    String best = lowercaseSegments;
    int longest = -1;
    for (String known : ALLOWED.keySet()) {
      if ((lowercaseSegments.equals(known) || lowercaseSegments.startsWith(known + "."))
          && known.length() > longest) {
        best = known;
        longest = known.length();
      }
    }
    return best;
  }

  private static String packageOf(String code) {
    Matcher m = PACKAGE_LINE.matcher(code);
    return m.find() ? m.group(1) : "";
  }

  /** The source with comments, string literals and char literals blanked out, so only code is scanned. */
  static String stripCommentsAndStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
        out.append(' ');
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        i = j + 1;
        out.append(c).append(c);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static List<Path> javaFiles(Path... roots) {
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue; // the Panama source root appears only once SIMD kernels exist
      }
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
