package org.postern.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Who reads each parameter, found in the main sources: the packages (daemons) with a string
 * literal naming it; for the SMTP and LMTP clients, the suffix they compose with {@code
 * Protocol.parameter("...")}; for qmgr's per-transport limits, the {@code _suffix} it composes
 * with a transport name; for a parameter that only feeds another's value, the readers of a
 * parameter whose default names it ({@code $name}). The registry's own files do not count.
 *
 * <p>Used by {@code ParameterCoverageTest} (every supported parameter has a reader) and {@code
 * ParameterDocTest} (docs/parameters.md says who reads what). Reads the sources, so it runs from
 * the project directory, as Maven runs the tests.
 */
final class ParameterReaders {
  private static final Path MAIN = Path.of("src/main/java/org/postern");
  private static final Set<String> REGISTRY_FILES =
      Set.of("Parameters.java", "ClientParameters.java", "ParameterSupport.java",
          "PostfixParameters.java", "ServiceParameters.java");
  private static final Pattern LITERAL = Pattern.compile("\"([^\"\\\\]*)\"");
  private static final Pattern NAME = Pattern.compile("\\$?\\{?([a-z][a-z0-9_]*[A-Za-z0-9_]*)");

  /** Every word of a string literal in the main sources, with the packages it appears in. */
  private final Map<String, Set<String>> packagesByWord = new HashMap<>();

  private ParameterReaders() {}

  static ParameterReaders scan() {
    ParameterReaders r = new ParameterReaders();
    try (Stream<Path> files = Files.walk(MAIN)) {
      files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !REGISTRY_FILES.contains(f.getFileName().toString()))
          .forEach(r::scan);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return r;
  }

  private void scan(Path file) {
    String pkg = MAIN.relativize(file).getParent().toString().replace('/', '.');
    try {
      Matcher literal = LITERAL.matcher(Files.readString(file));
      while (literal.find()) {
        Matcher name = NAME.matcher(literal.group(1));
        while (name.find()) {
          add(name.group(1), pkg);
        }
        add(literal.group(1), pkg);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void add(String word, String pkg) {
    packagesByWord.computeIfAbsent(word, w -> new TreeSet<>()).add(pkg);
  }

  /** The packages that read {@code name} themselves; empty when none does. */
  Set<String> directReaders(String name) {
    Set<String> found = new TreeSet<>(packagesByWord.getOrDefault(name, Set.of()));
    for (String prefix : List.of("smtp_", "lmtp_")) {
      if (name.startsWith(prefix)) {
        found.addAll(packagesByWord.getOrDefault(name.substring(prefix.length()), Set.of()));
      }
    }
    int underscore = name.indexOf('_');
    if (underscore > 0 && !name.startsWith("default_")) {
      found.addAll(packagesByWord.getOrDefault(name.substring(underscore), Set.of()));
    }
    return found;
  }

  /**
   * The packages that read {@code name}, directly or through a read parameter whose default
   * names it ({@code compatibility_level} is read through the defaults that test it).
   */
  Set<String> readers(String name) {
    Set<String> direct = directReaders(name);
    if (!direct.isEmpty()) {
      return direct;
    }
    Pattern ref = Pattern.compile("\\$\\{?" + Pattern.quote(name) + "\\b");
    Set<String> through = new TreeSet<>();
    for (ParameterSpec s : Parameters.all()) {
      if (Parameters.typed(s.name()) && !s.name().equals(name)
          && ref.matcher(s.defaultText()).find()) {
        through.addAll(directReaders(s.name()));
      }
    }
    return through;
  }
}
