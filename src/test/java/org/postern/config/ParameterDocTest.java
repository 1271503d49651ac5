package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * docs/parameters.md is generated from the registry and {@link ParameterSupport}, never written
 * by hand: this test fails when the page and the registry disagree. Regenerate it with {@code
 * mvn test -Dtest=ParameterDocTest -Dpostern.writeDocs=true}.
 */
class ParameterDocTest {
  private static final Path PAGE = Path.of("docs/parameters.md");

  @Test
  void parametersPage_matchesTheRegistry() throws Exception {
    String page = render();
    if (Boolean.getBoolean("postern.writeDocs")) {
      Files.writeString(PAGE, page);
    }
    assertThat(Files.readString(PAGE))
        .as("docs/parameters.md is stale: regenerate it (see ParameterDocTest)").isEqualTo(page);
  }

  static String render() {
    Map<ParameterSupport.Level, List<String>> byLevel = new TreeMap<>();
    Map<String, String> refused = new TreeMap<>();
    for (ParameterSpec spec : Parameters.all()) {
      ParameterSupport s = ParameterSupport.of(spec.name());
      byLevel.computeIfAbsent(s.level(), l -> new ArrayList<>()).add(spec.name());
      if (s.level() == ParameterSupport.Level.REFUSED) {
        refused.put(spec.name(), s.consequence());
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Parameters: supported, unsupported, refused\n\n")
        .append("Generated from Postern's parameter registry by `ParameterDocTest`; do not edit by hand.\n\n")
        .append("Postern knows every parameter name of Postfix 3.12 (`bin/postconf -d` prints each with\n")
        .append("Postfix's default, `PostconfDefaultsIT` compares them with the Postfix 3.12 peer). Each is\n")
        .append("one of three kinds:\n\n")
        .append("- **supported**: a daemon reads it and does what postconf(5) says;\n")
        .append("- **unsupported**: set to anything but its default, `postern check` and start warn\n")
        .append("  `parameter NAME: not supported by Postern; setting ignored`;\n")
        .append("- **refused**: ignoring it would weaken security or lose mail, so a setting other than\n")
        .append("  the default stops `postern check` and start, saying what ignoring it would do.\n\n")
        .append("Per-transport parameters that a master.cf entry adds (`relay_destination_concurrency_limit`\n")
        .append("...) are supported for `_destination_concurrency_limit`, `_destination_recipient_limit`,\n")
        .append("`_initial_destination_concurrency`, `_destination_concurrency_failed_cohort_limit` and\n")
        .append("(pipe) `_time_limit`; the others (`_destination_rate_delay`, slot and refill tuning,\n")
        .append("feedback) are unsupported.\n\n");
    md.append("## Refused (").append(refused.size()).append(")\n\n")
        .append("| parameter | ignoring it would mean |\n|---|---|\n");
    refused.forEach((name, why) -> md.append("| `").append(name).append("` | ").append(why).append(" |\n"));
    names(md, "Unsupported", byLevel.getOrDefault(ParameterSupport.Level.UNSUPPORTED, List.of()));
    supported(md, byLevel.getOrDefault(ParameterSupport.Level.SUPPORTED, List.of()));
    return md.toString();
  }

  /** The supported parameters with the packages that read them: who reads X has one answer. */
  private static void supported(StringBuilder md, List<String> names) {
    ParameterReaders readers = ParameterReaders.scan();
    md.append("\n## Supported (").append(names.size()).append(")\n\n")
        .append("Each with the packages that read it (found in the sources by `ParameterReaders`).\n\n")
        .append("| parameter | read by |\n|---|---|\n");
    for (String n : names) {
      md.append("| `").append(n).append("` | ")
          .append(String.join(", ", readers.readers(n))).append(" |\n");
    }
  }

  private static void names(StringBuilder md, String title, List<String> names) {
    md.append("\n## ").append(title).append(" (").append(names.size()).append(")\n\n");
    StringBuilder line = new StringBuilder();
    for (String n : names) {
      String item = "`" + n + "`";
      if (line.length() + item.length() + 1 > 100) {
        md.append(line.toString().stripTrailing()).append('\n');
        line.setLength(0);
      }
      line.append(item).append(' ');
    }
    md.append(line.toString().stripTrailing()).append('\n');
  }
}
