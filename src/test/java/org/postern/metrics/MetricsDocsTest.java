package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.cli.JsonParser;
import org.postern.queue.Queues;

/**
 * The operator's documents stay true to what Postern exports: every PromQL expression of the
 * Grafana dashboard (docs/grafana-postern.json) and of the example alert rules
 * (docs/prometheus-postern-rules.yml) names only series that Postern serves, the rules pass
 * {@code promtool check rules}, and docs/metrics.md describes every Postern metric family.
 */
class MetricsDocsTest {
  private static final Path DOCS = Path.of("docs");
  /** PromQL words that are not series names: functions, aggregations, operators, modifiers. */
  private static final Set<String> PROMQL = Set.of("sum", "min", "max", "avg", "count",
      "topk", "bottomk", "quantile", "stddev", "stdvar", "group", "rate", "irate", "increase",
      "delta", "deriv", "histogram_quantile", "label_values", "label_replace", "abs", "absent",
      "clamp_min", "clamp_max", "time", "vector", "scalar", "by", "without", "on", "ignoring",
      "group_left", "group_right", "and", "or", "unless", "offset", "bool", "avg_over_time",
      "max_over_time", "min_over_time", "predict_linear");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @TempDir Path dir;

  @Test
  void dashboard_everyExpression_namesExportedSeries() throws IOException {
    Object dashboard = JsonParser.parse(
        Files.readString(DOCS.resolve("grafana-postern.json"), StandardCharsets.UTF_8));
    List<String> expressions = new ArrayList<>();
    collect(dashboard, expressions);

    assertThat(expressions).hasSizeGreaterThan(20);
    assertNamesExported(expressions);
  }

  /**
   * What Grafana's import needs: the data source as an input that every panel uses, unique panel
   * ids, and panels that fit the 24-column grid without overlapping.
   */
  @Test
  @SuppressWarnings("unchecked")
  void dashboard_importable_dataSourceInputIdsAndGrid() throws IOException {
    Map<String, Object> dashboard = (Map<String, Object>) JsonParser.parse(
        Files.readString(DOCS.resolve("grafana-postern.json"), StandardCharsets.UTF_8));
    List<Map<String, Object>> inputs = (List<Map<String, Object>>) dashboard.get("__inputs");
    assertThat(inputs).singleElement().satisfies(i -> {
      assertThat(i.get("name")).isEqualTo("DS_PROMETHEUS");
      assertThat(i.get("pluginId")).isEqualTo("prometheus");
    });
    assertThat(dashboard.get("uid")).isEqualTo("postern-mta");
    Set<Object> ids = new TreeSet<>();
    Set<String> cells = new TreeSet<>();
    for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
      assertThat(ids.add(panel.get("id"))).as("unique id " + panel.get("id")).isTrue();
      if (!panel.get("type").equals("row")) {
        assertThat(((Map<String, Object>) panel.get("datasource")).get("uid"))
            .isEqualTo("${DS_PROMETHEUS}");
      }
      Map<String, Object> grid = (Map<String, Object>) panel.get("gridPos");
      long x = (Long) grid.get("x");
      long y = (Long) grid.get("y");
      long w = (Long) grid.get("w");
      long h = (Long) grid.get("h");
      assertThat(x + w).as(panel.get("title") + " fits the grid").isLessThanOrEqualTo(24);
      for (long cx = x; cx < x + w; cx++) {
        for (long cy = y; cy < y + h; cy++) {
          assertThat(cells.add(cx + "," + cy)).as(panel.get("title") + " overlaps").isTrue();
        }
      }
    }
  }

  @Test
  void alertRules_promtoolAccepts_andNameExportedSeries() throws Exception {
    Path rules = DOCS.resolve("prometheus-postern-rules.yml");
    Process p = new ProcessBuilder("promtool", "check", "rules", rules.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();

    List<String> expressions = ruleExpressions(Files.readAllLines(rules));
    assertThat(expressions).hasSize(5);
    assertNamesExported(expressions);
  }

  @Test
  void metricsPage_describesEveryPosternFamily() throws IOException {
    String page = Files.readString(DOCS.resolve("metrics.md"), StandardCharsets.UTF_8);
    for (String family : families(registry())) {
      if (family.startsWith("postern_")) {
        assertThat(page).as(family).contains("`" + family);
      }
    }
  }

  @Test
  void namesIn_labelsStringsAndRanges_notTakenForSeries() {
    assertThat(namesIn("sum by (status) (rate(postern_deliveries_total{instance=~\"$instance\","
        + "status=\"sent\"}[$__rate_interval])) / on (x) up"))
        .containsExactly("postern_deliveries_total", "up");
    assertThat(namesIn("label_values(postern_smtpd_connections_total, instance)"))
        .containsExactly("postern_smtpd_connections_total");
  }

  private void assertNamesExported(List<String> expressions) {
    Set<String> exported = sampleNames();
    for (String e : expressions) {
      List<String> names = namesIn(e);
      assertThat(names).as("series named in " + e).isNotEmpty();
      assertThat(exported).as(e).containsAll(names);
    }
  }

  /** The series names of expression {@code e}: what is left without labels, strings, ranges. */
  static List<String> namesIn(String e) {
    String bare = e.replaceAll("label_values\\(([^,)]+),[^)]*\\)", "$1") // (series, label)
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*\\}", " ")
        .replaceAll("\\[[^]]*\\]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
        .replaceAll("\\$\\w+", " ")
        .replaceAll("\\b\\d+(\\.\\d+)?([smhdwy]|e\\d+)?\\b", " ");
    List<String> names = new ArrayList<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String word = m.group();
      if (!PROMQL.contains(word) && !names.contains(word)) {
        names.add(word);
      }
    }
    return names;
  }

  /** The {@code expr} of every target and the query of every template variable. */
  @SuppressWarnings("unchecked")
  private static void collect(Object node, List<String> out) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
        if ((entry.getKey().equals("expr") || entry.getKey().equals("definition"))
            && entry.getValue() instanceof String s) {
          out.add(s);
        } else {
          collect(entry.getValue(), out);
        }
      }
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collect(item, out));
    }
  }

  /** The {@code expr:} values of a rules file, inline or folded ({@code expr: >}). */
  private static List<String> ruleExpressions(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith("expr:")) {
        continue;
      }
      String value = line.substring("expr:".length()).strip();
      if (!value.equals(">")) {
        out.add(value);
        continue;
      }
      int indent = indent(lines.get(i));
      StringBuilder folded = new StringBuilder();
      while (i + 1 < lines.size() && indent(lines.get(i + 1)) > indent) {
        folded.append(lines.get(++i).strip()).append(' ');
      }
      out.add(folded.toString().strip());
    }
    return out;
  }

  private static int indent(String line) {
    return line.isBlank() ? Integer.MAX_VALUE : line.length() - line.stripLeading().length();
  }

  /** What a running endpoint serves: Postern's families, the queue gauges, the JVM collectors. */
  private PrometheusRegistry registry() {
    // The families register when their holders are initialized.
    for (Class<?> holder : List.of(SmtpdMetrics.class, DeliveryMetrics.class,
        TlsPolicyMetrics.class)) {
      try {
        Class.forName(holder.getName(), true, holder.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register((MultiCollector) PosternMetrics.REGISTRY::scrape);
    registry.register(new QueueMetrics(Queues.at(dir), Clock.systemUTC()));
    JvmMetrics.builder().register(registry);
    return registry;
  }

  private static Set<String> families(PrometheusRegistry registry) {
    Set<String> names = new TreeSet<>();
    registry.scrape().forEach(s -> names.add(s.getMetadata().getPrometheusName()));
    return names;
  }

  private Set<String> sampleNames() {
    Set<String> names = new TreeSet<>();
    for (MetricSnapshot s : registry().scrape()) {
      String n = s.getMetadata().getPrometheusName();
      switch (s) {
        case CounterSnapshot c -> names.add(n + "_total");
        case HistogramSnapshot h -> names.addAll(List.of(n + "_bucket", n + "_count", n + "_sum"));
        case SummarySnapshot m -> names.addAll(List.of(n, n + "_count", n + "_sum"));
        case InfoSnapshot i -> names.add(n + "_info");
        default -> names.add(n);
      }
    }
    return names;
  }
}
