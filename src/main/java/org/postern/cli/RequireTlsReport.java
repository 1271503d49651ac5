package org.postern.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.postern.log.DeliveryLogEntry;
import org.postern.log.TlsFeatureStatus.RequireTls;
import org.postern.log.TlsFeatureStatus.Status;

/**
 * The table {@code requiretls-report} prints: per recipient domain, how the deliveries of
 * REQUIRETLS messages ended, and whether that domain would pass {@code enforce} (every one of
 * them logged as plain {@code requiretls}). Shaped like qshape's: a header line, a TOTAL line,
 * then one line per domain, busiest first; one count column per outcome that occurs, in the
 * order compliant, violated, undecided.
 */
final class RequireTlsReport {
  /** Compliant before violated before undecided; within each, by what fell short. */
  private static final Comparator<RequireTls> OUTCOME_ORDER =
      Comparator.comparing(RequireTls::status)
          .thenComparing(r -> r.detail().map(d -> d.ordinal() + 1).orElse(0));

  private final Map<String, Map<RequireTls, Integer>> byDomain = new TreeMap<>();
  private final TreeSet<RequireTls> outcomes = new TreeSet<>(OUTCOME_ORDER);

  /** Counts {@code entry} when its message asked for REQUIRETLS; true when it was counted. */
  boolean add(DeliveryLogEntry entry) {
    return entry
        .requireTls()
        .map(
            r -> {
              outcomes.add(r);
              byDomain
                  .computeIfAbsent(entry.recipientDomain(), d -> new TreeMap<>(OUTCOME_ORDER))
                  .merge(r, 1, Integer::sum);
              return true;
            })
        .orElse(false);
  }

  void print(PrintStream out) {
    List<RequireTls> columns = List.copyOf(outcomes);
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("domain", "enforce", "total"));
    columns.forEach(c -> header.add(c.text()));
    rows.add(header);
    int passing = (int) byDomain.values().stream().filter(RequireTlsReport::passes).count();
    Map<RequireTls, Integer> all = new TreeMap<>(OUTCOME_ORDER);
    byDomain.values().forEach(m -> m.forEach((k, v) -> all.merge(k, v, Integer::sum)));
    rows.add(row("TOTAL", passing + "/" + byDomain.size(), all, columns));
    byDomain.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, Map<RequireTls, Integer>>>comparingInt(
                    e -> -total(e.getValue()))
                .thenComparing(Map.Entry::getKey))
        .forEach(
            e ->
                rows.add(
                    row(
                        e.getKey().isEmpty() ? "(no domain)" : e.getKey(),
                        passes(e.getValue()) ? "pass" : "fail",
                        e.getValue(),
                        columns)));
    printColumns(out, rows);
  }

  private static List<String> row(
      String domain, String verdict, Map<RequireTls, Integer> counts, List<RequireTls> columns) {
    List<String> row = new ArrayList<>(List.of(domain, verdict, Integer.toString(total(counts))));
    columns.forEach(c -> row.add(Integer.toString(counts.getOrDefault(c, 0))));
    return row;
  }

  /** Would pass {@code enforce}: every delivery met all REQUIRETLS requirements. */
  private static boolean passes(Map<RequireTls, Integer> counts) {
    return counts.keySet().stream()
        .allMatch(r -> r.status() == Status.COMPLIANT && r.detail().isEmpty());
  }

  private static int total(Map<RequireTls, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
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
