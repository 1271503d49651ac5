package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus text exposition as a test reads it back: the value of each sample by its name and
 * labels, and whether Prometheus's own {@code promtool check metrics} accepts the text.
 */
public final class PrometheusText {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private final String text;
  private final Map<String, Double> samples = new LinkedHashMap<>();

  private PrometheusText(String text) {
    this.text = text;
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("sample line: " + line).isTrue();
      samples.put(key(m.group(1), labels(m.group(2))), Double.parseDouble(m.group(3)));
    }
  }

  public static PrometheusText of(String text) {
    return new PrometheusText(text);
  }

  /** What this process's Postern registry holds now, as the endpoint would serve it. */
  static PrometheusText scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, PosternMetrics.REGISTRY.scrape());
    return of(out.toString(StandardCharsets.UTF_8));
  }

  public String text() {
    return text;
  }

  /** The value of sample {@code name} with exactly {@code labels} (name, value, ...), if present. */
  public Optional<Double> value(String name, String... labels) {
    Map<String, String> wanted = new TreeMap<>();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return Optional.ofNullable(samples.get(key(name, wanted)));
  }

  /** {@link #value}, 0 when the sample is absent (a counter not yet incremented). */
  public double count(String name, String... labels) {
    return value(name, labels).orElse(0.0);
  }

  /** The names of the samples present. */
  public List<String> sampleNames() {
    return samples.keySet().stream().map(k -> k.replaceAll("\\{.*", "")).distinct().toList();
  }

  /** Runs {@code promtool check metrics} on the text; its problems, empty when it accepts it. */
  public String promtoolProblems(Path workDir) throws IOException, InterruptedException {
    Path file = Files.createTempFile(workDir, "scrape", ".prom");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Process p = new ProcessBuilder("promtool", "check", "metrics")
        .redirectInput(file.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 ? "" : out;
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new TreeMap<>();
    if (text != null) {
      Matcher m = LABEL.matcher(text);
      while (m.find()) {
        labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
    }
    return labels;
  }

  private static String key(String name, Map<String, String> labels) {
    return name + labels;
  }
}
