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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering, read from the one place it is written: the "Depends on:" paragraph of each package's
 * {@code package-info.java}. A plain scan of the sources checks that each package uses exactly the library
 * packages its paragraph names (no more, and none it no longer needs), that those form layers (no cycle), that
 * only {@code kernel} touches {@code jdk.incubator.vector}, and that the kernels, the thread pool and scratch
 * memory are reached only from the packages fenced in for them (the layers reach them through {@code ops}).
 */
class ArchitectureTest {

  private static final String BASE = "dev.deepzero";
  private static final Path CORE_SOURCES = Paths.get("src/main/java");
  private static final Path PANAMA_SOURCES = Paths.get("src/panama/java");
  private static final Path CLI_SOURCES = Paths.get("../cli/src/main/java");
  private static final Path INTEROP_SOURCES = Paths.get("../interop/src/main/java");
  private static final Path SERVE_SOURCES = Paths.get("../serve/src/main/java");

  /**
   * Classes that only some packages may use (besides their own), whatever their package-info allows: the
   * kernel provider (tensor's elementwise methods and ops), the thread pool (ops) and the workspace, whose
   * scopes are opened by the training loop and prediction, and drawn from only through {@code Tensor.empty}.
   */
  private static final Map<String, Set<String>> FENCED = Map.of(
      "kernel.KernelProvider", Set.of("tensor", "ops"),
      "kernel.Parallel", Set.of("ops"),
      "tensor.Workspace", Set.of("nn", "train"));

  private static final Pattern DEPENDS_ON = Pattern.compile("Depends on:(.*?)(?:<p>|\\*/)", Pattern.DOTALL);
  private static final Pattern CODE_PACKAGE = Pattern.compile("\\{@code " + Pattern.quote(BASE) + "\\.([a-z.]+)}");
  private static final String EVERY_PACKAGE = "every library package except";
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.deepzero((?:\\.[a-z][a-z0-9_]*)+)");
  private static final Pattern CLASS_REFERENCE =
      Pattern.compile("\\bdev\\.deepzero\\.((?:[a-z][a-z0-9_]*\\.)+)([A-Z]\\w*|\\*)");
  private static final Pattern PACKAGE_LINE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
  private static final Pattern VECTOR_API = Pattern.compile("\\bjdk\\.incubator\\.vector\\b");

  // Packages whose paragraph says "every library package except ...": they may use any, need not use all.
  private static final Set<String> OPEN_ENDED = new TreeSet<>();
  /** Package (relative to dev.deepzero) to the library packages its package-info says it depends on. */
  private static final Map<String, Set<String>> ALLOWED = dependsOnLines(CORE_SOURCES, INTEROP_SOURCES, SERVE_SOURCES);

  /**
   * Every package's "Depends on:" paragraph, as the set of {@code dev.deepzero} packages it names in code tags;
   * "every library package except X" names all the others.
   */
  private static Map<String, Set<String>> dependsOnLines(Path... roots) {
    Map<String, String> paragraphs = new TreeMap<>();
    for (Path file : javaFiles(roots)) {
      if (file.getFileName().toString().equals("package-info.java")) {
        String text = read(file);
        Matcher m = DEPENDS_ON.matcher(text);
        String pkg = packageOf(stripCommentsAndStrings(text));
        paragraphs.put(pkg.equals(BASE) ? "" : pkg.substring(BASE.length() + 1), m.find() ? m.group(1) : null);
      }
    }
    Map<String, Set<String>> allowed = new TreeMap<>();
    for (Map.Entry<String, String> e : paragraphs.entrySet()) {
      String paragraph = e.getValue();
      if (paragraph == null) {
        throw new AssertionError("the package-info of " + BASE + "." + e.getKey() + " has no 'Depends on:' line");
      }
      Set<String> named = new TreeSet<>();
      Matcher m = CODE_PACKAGE.matcher(paragraph);
      while (m.find()) {
        named.add(m.group(1));
      }
      if (paragraph.contains(EVERY_PACKAGE)) {
        OPEN_ENDED.add(e.getKey());
        Set<String> all = new TreeSet<>(paragraphs.keySet());
        all.remove(e.getKey());
        all.removeAll(named);
        named = all;
      }
      allowed.put(e.getKey(), Set.copyOf(named));
    }
    return allowed;
  }

  @Test
  void everyPackageUsesOnlyTheAllowedLowerPackages() {
    List<Path> files = javaFiles(CORE_SOURCES, PANAMA_SOURCES, INTEROP_SOURCES, SERVE_SOURCES);
    assertTrue(files.size() > 20, "scanned only " + files + " from " + CORE_SOURCES.toAbsolutePath());
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      problems.addAll(violations(file.toString(), read(file)));
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everyPackageUsesEveryPackageItNames() {
    Map<String, Set<String>> used = new TreeMap<>();
    for (Path file : javaFiles(CORE_SOURCES, PANAMA_SOURCES, INTEROP_SOURCES, SERVE_SOURCES)) {
      String code = stripCommentsAndStrings(read(file));
      used.computeIfAbsent(relative(packageOf(code)), k -> new TreeSet<>()).addAll(usedPackages(code));
    }
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
      Set<String> unused = new TreeSet<>(e.getValue());
      unused.removeAll(used.getOrDefault(e.getKey(), Set.of()));
      if (!unused.isEmpty() && !OPEN_ENDED.contains(e.getKey())) {
        stale.add(BASE + "." + e.getKey() + "'s package-info names " + unused + ", which it does not use");
      }
    }
    assertTrue(stale.isEmpty(), String.join("\n", stale));
  }

  @Test
  void theNamedDependenciesFormLayers() {
    for (String pkg : ALLOWED.keySet()) {
      List<String> cycle = cycleFrom(pkg, new ArrayList<>());
      assertTrue(cycle.isEmpty(), "the package-info files make a cycle: " + String.join(" -> ", cycle));
    }
  }

  /** A dependency path that returns to one of its packages, or an empty list. */
  private static List<String> cycleFrom(String pkg, List<String> path) {
    if (path.contains(pkg)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
      cycle.add(pkg);
      return cycle;
    }
    path.add(pkg);
    for (String next : ALLOWED.getOrDefault(pkg, Set.of())) {
      List<String> cycle = cycleFrom(next, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    return List.of();
  }

  @Test
  void fencedClassesAreUsedOnlyWhereAllowed() {
    List<String> problems = new ArrayList<>();
    for (Path file : javaFiles(CORE_SOURCES, PANAMA_SOURCES, INTEROP_SOURCES, SERVE_SOURCES)) {
      problems.addAll(fenceViolations(file.toString(), read(file)));
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** Uses of a {@link #FENCED} class outside its packages, and wildcard imports, which would hide them. */
  private static List<String> fenceViolations(String file, String source) {
    String code = stripCommentsAndStrings(source);
    String self = relative(packageOf(code));
    List<String> problems = new ArrayList<>();
    Matcher m = CLASS_REFERENCE.matcher(code);
    while (m.find()) {
      String pkg = m.group(1).substring(0, m.group(1).length() - 1);
      String name = pkg + "." + m.group(2);
      if (m.group(2).equals("*")) {
        problems.add(file + ": imports " + BASE + "." + name + "; name the classes");
      } else if (FENCED.containsKey(name) && !pkg.equals(self) && !FENCED.get(name).contains(self)) {
        problems.add(file + ": " + self + " uses " + BASE + "." + name + ", which only " + FENCED.get(name)
            + " may use");
      }
    }
    return problems;
  }

  @Test
  void onlyTheKernelPackageTouchesTheVectorApi() {
    List<String> problems = new ArrayList<>();
    for (Path file : javaFiles(CORE_SOURCES, PANAMA_SOURCES, CLI_SOURCES, INTEROP_SOURCES, SERVE_SOURCES)) {
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
    for (Path root : List.of(CORE_SOURCES, CLI_SOURCES, INTEROP_SOURCES, SERVE_SOURCES)) {
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
    assertTrue(u.get(0).contains("Depends on"), u.get(0));
    String layer = "package dev.deepzero.nn.layers;\nimport dev.deepzero.kernel.Parallel;\n"
        + "import dev.deepzero.tensor.Workspace;\nimport dev.deepzero.ops.*;\nclass F {}";
    assertEquals(3, fenceViolations("F.java", layer).size(), fenceViolations("F.java", layer).toString());
    assertEquals(List.of(), fenceViolations("G.java", "package dev.deepzero.ops;\nimport dev.deepzero.kernel.Parallel;"));
    assertFalse(VECTOR_API.matcher(stripCommentsAndStrings("// jdk.incubator.vector\nclass E {}")).find());
  }

  /** The rule violations of one source file. */
  private static List<String> violations(String file, String source) {
    String code = stripCommentsAndStrings(source);
    String pkg = packageOf(code);
    if (!pkg.equals(BASE) && !pkg.startsWith(BASE + ".")) {
      return List.of(file + ": package " + pkg + " is outside " + BASE);
    }
    String self = relative(pkg);
    Set<String> allowed = ALLOWED.get(self);
    if (allowed == null) {
      return List.of(file + ": package " + pkg + " has no package-info.java with a 'Depends on:' paragraph naming"
          + " the packages it uses");
    }
    List<String> problems = new ArrayList<>();
    for (String used : usedPackages(code)) {
      if (!allowed.contains(used)) {
        problems.add(file + ": " + self + " uses " + BASE + "." + used + ", but its package-info names only "
            + new TreeSet<>(allowed));
      }
    }
    return problems;
  }

  /** The library packages that code (comments and strings stripped) refers to, other than its own. */
  private static Set<String> usedPackages(String code) {
    String self = relative(packageOf(code));
    Set<String> used = new TreeSet<>();
    Matcher m = REFERENCE.matcher(PACKAGE_LINE.matcher(code).replaceFirst(""));
    while (m.find()) {
      used.add(usedPackage(m.group(1).substring(1)));
    }
    used.remove(self);
    return used;
  }

  /** A package name relative to dev.deepzero: {@code nn.layers} for {@code dev.deepzero.nn.layers}. */
  private static String relative(String pkg) {
    return pkg.equals(BASE) ? "" : pkg.startsWith(BASE + ".") ? pkg.substring(BASE.length() + 1) : pkg;
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
