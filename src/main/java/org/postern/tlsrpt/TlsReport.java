package org.postern.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One aggregate report (RFC 8460 section 4): a policy domain's sessions of one UTC day, per
 * applied policy the successful and failed session counts, and the failures grouped by result
 * type, MX host, address and reason.
 *
 * <p>The report-id is {@code <day>_<policy domain>@<submitter>}: the same day reported twice gives
 * the same id, so that the receiver can drop the duplicate. Policies and failure details are
 * sorted, so the same records always give the same JSON.
 */
public final class TlsReport {
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final LocalDate day;
  private final String domain;
  private final ReportSettings settings;
  private final Map<AppliedPolicy, List<SessionRecord>> byPolicy;

  private TlsReport(LocalDate day, String domain, ReportSettings settings,
      Map<AppliedPolicy, List<SessionRecord>> byPolicy) {
    this.day = day;
    this.domain = domain;
    this.settings = settings;
    this.byPolicy = byPolicy;
  }

  /** One report per policy domain among {@code records} (those of {@code day}), by domain name. */
  public static List<TlsReport> of(
      LocalDate day, List<SessionRecord> records, ReportSettings settings) {
    Map<String, Map<AppliedPolicy, List<SessionRecord>>> grouped = new TreeMap<>();
    for (SessionRecord r : records) {
      if (!LocalDate.ofInstant(r.time(), ZoneOffset.UTC).equals(day)) {
        continue;
      }
      grouped.computeIfAbsent(r.policy().domain(), d -> new TreeMap<>(POLICY_ORDER))
          .computeIfAbsent(r.policy(), p -> new ArrayList<>()).add(r);
    }
    List<TlsReport> out = new ArrayList<>();
    grouped.forEach((d, byPolicy) -> out.add(new TlsReport(day, d, settings, byPolicy)));
    return out;
  }

  private static final Comparator<AppliedPolicy> POLICY_ORDER = Comparator
      .comparing((AppliedPolicy p) -> p.type().spelling())
      .thenComparing(p -> String.join("\n", p.mxHosts()))
      .thenComparing(p -> String.join("\n", p.strings()));

  public String domain() {
    return domain;
  }

  public LocalDate day() {
    return day;
  }

  public String reportId() {
    return day + "_" + domain + "@" + settings.submitter();
  }

  public Instant start() {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The last second of the day, as RFC 8460's example ends its range. */
  public Instant end() {
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
  }

  /** The report in the JSON format of RFC 8460 section 4.4. */
  public String json() {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("organization-name", settings.organizationName());
    report.put("date-range", object("start-datetime", RFC3339.format(start()),
        "end-datetime", RFC3339.format(end())));
    report.put("contact-info", settings.contactInfo());
    report.put("report-id", reportId());
    List<Object> policies = new ArrayList<>();
    byPolicy.forEach((p, sessions) -> policies.add(policy(p, sessions)));
    report.put("policies", policies);
    return Json.write(report);
  }

  private static Map<String, Object> policy(AppliedPolicy p, List<SessionRecord> sessions) {
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("policy-type", p.type().spelling());
    // No policy-string where there is no policy text: no-policy-found, and a policy that
    // could not be discovered (an MTA-STS policy not fetched, TLSA records not found).
    if (p.type() != PolicyType.NO_POLICY_FOUND && !p.strings().isEmpty()) {
      policy.put("policy-string", p.strings());
    }
    policy.put("policy-domain", p.domain());
    if (!p.mxHosts().isEmpty()) {
      policy.put("mx-host", p.mxHosts());
    }
    long failed = sessions.stream().filter(s -> s.failure().isPresent()).count();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policy", policy);
    out.put("summary", object("total-successful-session-count", sessions.size() - failed,
        "total-failure-session-count", failed));
    List<Object> details = failureDetails(sessions);
    if (!details.isEmpty()) {
      out.put("failure-details", details);
    }
    return out;
  }

  private record Detail(ResultType type, String mx, String ip, String reason, String sendingIp,
      String helo) {}

  private static final Comparator<Detail> DETAIL_ORDER = Comparator
      .comparing((Detail d) -> d.type().spelling()).thenComparing(Detail::mx)
      .thenComparing(Detail::ip).thenComparing(Detail::reason).thenComparing(Detail::sendingIp)
      .thenComparing(Detail::helo);

  private static List<Object> failureDetails(List<SessionRecord> sessions) {
    Map<Detail, Long> counts = new TreeMap<>(DETAIL_ORDER);
    for (SessionRecord s : sessions) {
      Optional<ResultType> type = s.failure();
      if (type.isPresent()) {
        counts.merge(new Detail(type.get(), s.receivingMx(), s.receivingIp(), s.reason(),
            s.sendingIp(), s.receivingHelo()), 1L, Long::sum);
      }
    }
    List<Object> out = new ArrayList<>();
    counts.forEach((d, n) -> {
      Map<String, Object> detail = new LinkedHashMap<>();
      // In the order of RFC 8460 section 4.4; a field not known is left out.
      detail.put("result-type", d.type().spelling());
      putKnown(detail, "sending-mta-ip", d.sendingIp());
      putKnown(detail, "receiving-mx-hostname", d.mx());
      putKnown(detail, "receiving-mx-helo", d.helo());
      putKnown(detail, "receiving-ip", d.ip());
      detail.put("failed-session-count", n);
      if (!d.reason().isEmpty()) {
        detail.put("failure-reason-code", d.reason());
      }
      out.add(detail);
    });
    return out;
  }

  private static void putKnown(Map<String, Object> m, String key, String value) {
    if (!value.isEmpty()) {
      m.put(key, value);
    }
  }

  private static Map<String, Object> object(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
