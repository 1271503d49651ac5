package org.postern.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.postern.log.RequireTlsCheckLine.Check;
import org.postern.log.TlsFeatureStatus.RequireTls;
import org.postern.log.TlsFeatureStatus.Status;
import org.postern.tlsrpt.Json;

/**
 * The table {@code requiretls-report} prints: per domain (the recipient's, or the sender's), how
 * the deliveries of REQUIRETLS messages ended, whether that domain would pass {@code enforce}
 * (every one of them logged as plain {@code requiretls}), and which certificate checks they rested
 * on. Shaped like qshape's: a header line, a TOTAL line, then one line per domain, busiest first;
 * one count column per outcome that occurs, in the order compliant, violated, undecided, then one
 * per check kind that occurs ({@code check:dane}, ...). The same report as a JSON document is
 * {@link #json}.
 *
 * <p>Failure: none; what cannot be counted was skipped by the reader ({@link
 * RequireTlsLogReader}), which says so.
 */
final class RequireTlsReport {
  /** The row of deliveries whose sender the log does not name (it starts after the from= line). */
  static final String UNKNOWN = "(unknown)";

  /** Compliant before violated before undecided; within each, by what fell short. */
  private static final Comparator<RequireTls> OUTCOME_ORDER =
      Comparator.comparing(RequireTls::status)
          .thenComparing(r -> r.detail().map(d -> d.ordinal() + 1).orElse(0));

  /** One domain's counts. */
  private static final class Row {
    final Map<RequireTls, Integer> outcomes = new TreeMap<>(OUTCOME_ORDER);
    final Map<Check, Integer> checks = new EnumMap<>(Check.class);

    int total() {
      return outcomes.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Would pass {@code enforce}: every delivery met all REQUIRETLS requirements. */
    boolean passes() {
      return outcomes.keySet().stream()
          .allMatch(r -> r.status() == Status.COMPLIANT && r.detail().isEmpty());
    }
  }

  private final Map<String, Row> byDomain = new TreeMap<>();
  private final TreeSet<RequireTls> outcomes = new TreeSet<>(OUTCOME_ORDER);
  private final EnumSet<Check> checks = EnumSet.noneOf(Check.class);

  /**
   * Counts one delivery of a REQUIRETLS message under {@code domain} (empty: an address without
   * a domain) with its outcome and, when the log named it, its certificate check.
   */
  void add(String domain, RequireTls outcome, Optional<Check> check) {
    outcomes.add(outcome);
    Row row = byDomain.computeIfAbsent(domain.isEmpty() ? "(no domain)" : domain, d -> new Row());
    row.outcomes.merge(outcome, 1, Integer::sum);
    check.ifPresent(c -> {
      checks.add(c);
      row.checks.merge(c, 1, Integer::sum);
    });
  }

  void print(PrintStream out) {
    List<RequireTls> outcomeColumns = List.copyOf(outcomes);
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("domain", "enforce", "total"));
    outcomeColumns.forEach(c -> header.add(c.text()));
    checks.forEach(c -> header.add("check:" + c.word()));
    rows.add(header);
    Row all = sum();
    rows.add(row("TOTAL", passing() + "/" + byDomain.size(), all, outcomeColumns));
    sorted().forEach(e -> rows.add(
        row(e.getKey(), e.getValue().passes() ? "pass" : "fail", e.getValue(), outcomeColumns)));
    printColumns(out, rows);
  }

  /**
   * The report as a JSON document: {@code fields} first (what it was asked for), then {@code
   * total} and {@code domains} with the counts of the table; see docs/requiretls.md.
   */
  String json(Map<String, Object> fields) {
    Map<String, Object> doc = new LinkedHashMap<>(fields);
    Map<String, Object> total = new LinkedHashMap<>();
    total.put("domains", byDomain.size());
    total.put("passing", passing());
    total.putAll(counts(sum()));
    doc.put("total", total);
    List<Object> domains = new ArrayList<>();
    sorted().forEach(e -> {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("domain", e.getKey());
      d.put("enforce", e.getValue().passes() ? "pass" : "fail");
      d.putAll(counts(e.getValue()));
      domains.add(d);
    });
    doc.put("domains", domains);
    return Json.write(doc);
  }

  private static Map<String, Object> counts(Row r) {
    Map<String, Object> outcomeCounts = new LinkedHashMap<>();
    r.outcomes.forEach((k, v) -> outcomeCounts.put(k.text(), v));
    Map<String, Object> checkCounts = new LinkedHashMap<>();
    r.checks.forEach((k, v) -> checkCounts.put(k.word(), v));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("deliveries", r.total());
    m.put("outcomes", outcomeCounts);
    m.put("checks", checkCounts);
    return m;
  }

  private int passing() {
    return (int) byDomain.values().stream().filter(Row::passes).count();
  }

  private Row sum() {
    Row all = new Row();
    byDomain.values().forEach(r -> {
      r.outcomes.forEach((k, v) -> all.outcomes.merge(k, v, Integer::sum));
      r.checks.forEach((k, v) -> all.checks.merge(k, v, Integer::sum));
    });
    return all;
  }

  /** Busiest first, then by name. */
  private List<Map.Entry<String, Row>> sorted() {
    return byDomain.entrySet().stream()
        .sorted(Comparator.<Map.Entry<String, Row>>comparingInt(e -> -e.getValue().total())
            .thenComparing(Map.Entry::getKey))
        .toList();
  }

  private List<String> row(String domain, String verdict, Row counts, List<RequireTls> columns) {
    List<String> row = new ArrayList<>(List.of(domain, verdict, Integer.toString(counts.total())));
    columns.forEach(c -> row.add(Integer.toString(counts.outcomes.getOrDefault(c, 0))));
    checks.forEach(c -> row.add(Integer.toString(counts.checks.getOrDefault(c, 0))));
    return row;
  }

  /** The domain column left-aligned, every other column right-aligned, two spaces apart. */
  private static void printColumns(PrintStream out, List<List<String>> rows) {
    int[] width = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          line.append("  ");
        }
        String cell = row.get(i);
        String pad = " ".repeat(width[i] - cell.length());
        line.append(i == 0 ? cell + pad : pad + cell);
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
