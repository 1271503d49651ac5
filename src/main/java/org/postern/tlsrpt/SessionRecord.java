package org.postern.tlsrpt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One SMTP session counted for TLS reporting: when, under which policy, whether TLS met it (else
 * why not, as an RFC 8460 result type), the MX host and address, Postern's own reason text (the
 * report's {@code failure-reason-code}; empty for a success), and the connection as RFC 8460
 * section 4.3.2 describes a failed session: the address the session left from ({@code
 * sending-mta-ip}) and the name the server gave in its EHLO reply ({@code receiving-mx-helo});
 * each empty when not known (no connection was made, or none was needed to fail).
 *
 * <p>As a journal line: twelve fields separated by TAB, lists joined with {@code |}, and {@code
 * %}, TAB, {@code |}, CR and LF percent-encoded, so one record is one line whatever its text.
 * Lines of the first version (ten fields, without the connection) are still read.
 */
public record SessionRecord(
    Instant time, AppliedPolicy policy, Optional<ResultType> failure, String receivingMx,
    String receivingIp, String reason, String sendingIp, String receivingHelo) {
  private static final String VERSION = "2";
  private static final String VERSION_1 = "1";
  private static final String SUCCESS = "success";
  private static final int FIELDS = 12;
  private static final int FIELDS_1 = 10;

  /** A session that met the policy. */
  public static SessionRecord success(Instant time, AppliedPolicy policy, String mx, String ip) {
    return new SessionRecord(time, policy, Optional.empty(), mx, ip, "", "", "");
  }

  /** A session that failed the policy with {@code type}; {@code reason} says why in words. */
  public static SessionRecord failure(Instant time, AppliedPolicy policy, ResultType type,
      String mx, String ip, String reason) {
    return new SessionRecord(time, policy, Optional.of(type), mx, ip, reason, "", "");
  }

  /** This record with the connection's local address and the server's EHLO name. */
  public SessionRecord withConnection(String sendingIp, String receivingHelo) {
    return new SessionRecord(time, policy, failure, receivingMx, receivingIp, reason, sendingIp,
        receivingHelo);
  }

  /** The journal line, without its LF. */
  String line() {
    return String.join("\t", VERSION, Long.toString(time.getEpochSecond()),
        policy.type().spelling(), encode(policy.domain()), list(policy.strings()),
        list(policy.mxHosts()), failure.map(ResultType::spelling).orElse(SUCCESS),
        encode(receivingMx), encode(receivingIp), encode(reason), encode(sendingIp),
        encode(receivingHelo));
  }

  /** The record of a journal line, or empty when the line is not one this version wrote. */
  static Optional<SessionRecord> parse(String line) {
    String[] f = line.split("\t", -1);
    boolean current = f.length == FIELDS && f[0].equals(VERSION);
    if (!current && !(f.length == FIELDS_1 && f[0].equals(VERSION_1))) {
      return Optional.empty();
    }
    try {
      Instant time = Instant.ofEpochSecond(Long.parseLong(f[1]));
      Optional<PolicyType> type = PolicyType.parse(f[2]);
      Optional<ResultType> result = ResultType.parse(f[6]);
      if (type.isEmpty() || result.isEmpty() && !f[6].equals(SUCCESS)) {
        return Optional.empty();
      }
      AppliedPolicy policy =
          new AppliedPolicy(type.get(), decode(f[3]), unlist(f[4]), unlist(f[5]));
      return Optional.of(new SessionRecord(time, policy, result, decode(f[7]), decode(f[8]),
          decode(f[9]), current ? decode(f[10]) : "", current ? decode(f[11]) : ""));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  private static String list(List<String> items) {
    return String.join("|", items.stream().map(SessionRecord::encode).toList());
  }

  private static List<String> unlist(String field) {
    List<String> out = new ArrayList<>();
    for (String item : field.split("\\|", -1)) {
      if (!item.isEmpty()) {
        out.add(decode(item));
      }
    }
    return out;
  }

  private static String encode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '%', '\t', '|', '\r', '\n' -> sb.append('%').append(String.format("%02X", (int) c));
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Percent-decoding; a malformed escape throws IllegalArgumentException. */
  private static String decode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        sb.append(c);
        continue;
      }
      if (i + 2 >= s.length()) {
        throw new IllegalArgumentException("truncated escape");
      }
      sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
      i += 2;
    }
    return sb.toString();
  }
}
