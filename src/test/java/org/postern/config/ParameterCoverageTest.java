package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No parameter is silently ignored: every parameter of Postern's typed registry either has a
 * reader in the main sources or is marked unsupported or refused in {@link ParameterSupport}, and
 * no parameter marked so has a reader (a stale mark would hide a feature behind a warning).
 *
 * <p>A reader is the parameter's name as a string literal outside the registry; for the SMTP and
 * LMTP clients, the suffix the client composes with {@code Protocol.parameter("...")}; for qmgr's
 * per-transport limits, the {@code _suffix} it composes with a transport name; for a parameter
 * that only feeds another's value, a {@code $name} reference in a read parameter's default. The scan reads the sources, so it runs from the project directory, as Maven runs it.
 */
class ParameterCoverageTest {
  private static final Path MAIN = Path.of("src/main/java/org/postern");
  private static final Set<String> REGISTRY_FILES =
      Set.of("Parameters.java", "ParameterSupport.java", "PostfixParameters.java",
          "ServiceParameters.java");
  private static final Pattern LITERAL = Pattern.compile("\"([^\"\\\\]*)\"");
  private static final Pattern NAME = Pattern.compile("\\$?\\{?([a-z][a-z0-9_]*[A-Za-z0-9_]*)");

  /** Every word that appears in a string literal of the main sources, registry aside. */
  private static final Set<String> literalWords = new HashSet<>();

  @BeforeAll
  static void scanSources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !REGISTRY_FILES.contains(f.getFileName().toString()))
          .forEach(ParameterCoverageTest::scan);
    }
  }

  private static void scan(Path file) {
    try {
      Matcher literal = LITERAL.matcher(Files.readString(file));
      while (literal.find()) {
        Matcher name = NAME.matcher(literal.group(1));
        while (name.find()) {
          literalWords.add(name.group(1));
        }
        literalWords.add(literal.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyTypedParameter_hasAReaderOrIsMarkedUnsupported() {
    List<String> orphans = new ArrayList<>();
    for (ParameterSpec spec : Parameters.all()) {
      String name = spec.name();
      if (Parameters.typed(name) && ParameterSupport.of(name).level() == ParameterSupport.Level.SUPPORTED
          && !hasReader(name)) {
        orphans.add(name);
      }
    }
    assertThat(orphans).as("parameters with neither a reader nor a ParameterSupport mark").isEmpty();
  }

  @Test
  void noParameterMarkedUnsupported_hasAReader() {
    List<String> stale = ParameterSupport.unsupportedTyped().stream()
        .filter(ParameterCoverageTest::readDirectly).sorted().toList();
    assertThat(stale).as("marked unsupported in ParameterSupport, yet read by a daemon").isEmpty();
  }

  private static boolean hasReader(String name) {
    return readDirectly(name) || referencedByReadDefault(name);
  }

  private static boolean readDirectly(String name) {
    if (literalWords.contains(name)) {
      return true;
    }
    for (String prefix : List.of("smtp_", "lmtp_")) {
      if (name.startsWith(prefix) && literalWords.contains(name.substring(prefix.length()))) {
        return true;
      }
    }
    // qmgr composes per-transport names: transport + "_destination_concurrency_limit".
    int underscore = name.indexOf('_');
    return underscore > 0 && literalWords.contains(name.substring(underscore))
        && !name.startsWith("default_");
  }

  /** {@code compatibility_level} is read through the defaults that test it, and so on. */
  private static boolean referencedByReadDefault(String name) {
    Pattern ref = Pattern.compile("\\$\\{?" + Pattern.quote(name) + "\\b");
    return Parameters.all().stream()
        .filter(s -> Parameters.typed(s.name()) && !s.name().equals(name))
        .filter(s -> ref.matcher(s.defaultText()).find())
        .anyMatch(s -> readDirectly(s.name()));
  }
}
