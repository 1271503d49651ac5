package org.postern.log;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.log.TlsFeatureStatus.RequireTls;
import org.postern.log.TlsFeatureStatus.RequireTlsDetail;
import org.postern.log.TlsFeatureStatus.Status;

/**
 * One delivery status line of the SMTP or LMTP client read back from a mail log: the reverse of
 * {@link DeliveryStatusLine}, for reports over a maillog. It reads what Postern writes and what
 * Postfix 3.11 writes, under any {@code syslog_name} and behind any timestamp style ({@code Mmm dd
 * HH:MM:SS host}, RFC 3339, or none):
 *
 * <pre>NAME/smtp[PID]: QUEUEID: to=&lt;rcpt&gt;, [orig_to=&lt;o&gt;, ]relay=R, [conn_use=N, ]
 * delay=T, delays=a/b/c/d, [tls=F/F, ]dsn=X.Y.Z, status=S (reason)</pre>
 *
 * <p>A line is read in one of three ways: not a delivery status line of smtp or lmtp at all
 * (connection warnings, TLS session lines, other programs), a well-formed delivery line, or a
 * malformed one (a delivery line cut short, a field without a value, a {@code tls=} feature that
 * is not spelled as Postfix spells it). Reading never throws.
 */
public record DeliveryLogEntry(
    String program, String queueId, String recipient, String dsn, String status, String tls) {

  /** How a log line reads. */
  public sealed interface Reading {}

  /** Not a delivery status line of the smtp or lmtp client. */
  public record NotDelivery() implements Reading {}

  /** A delivery status line that does not parse; {@code reason} says which part. */
  public record Malformed(String reason) implements Reading {}

  /** A delivery status line. */
  public record Delivery(DeliveryLogEntry entry) implements Reading {}

  private static final Pattern TAG =
      Pattern.compile("(?:^|\\s)\\S+/(smtp|lmtp)\\[\\d+\\]: ([0-9A-Za-z]+): to=<");
  private static final Pattern DSN = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
  private static final Pattern STATUS = Pattern.compile("([a-z]+) \\(.*\\)");
  private static final Pattern FEATURE = Pattern.compile("!?[a-z][a-z-]*(?::[a-z][a-z-]*)?\\??");
  private static final Pattern REQUIRETLS =
      Pattern.compile("(!?)requiretls(?::(nocertmatch|nostarttls|noencryption|none))?(\\??)");

  public DeliveryLogEntry {
    Objects.requireNonNull(program);
    Objects.requireNonNull(queueId);
    Objects.requireNonNull(recipient);
    Objects.requireNonNull(dsn);
    Objects.requireNonNull(status);
    Objects.requireNonNull(tls);
  }

  /** Reads one log line (without its line terminator). */
  public static Reading read(String line) {
    Matcher tag = TAG.matcher(line);
    if (!tag.find()) {
      return new NotDelivery();
    }
    String rest = line.substring(tag.end());
    int close = rest.indexOf(">, ");
    if (close < 0) {
      return new Malformed("recipient address not closed by \">, \"");
    }
    String recipient = rest.substring(0, close);
    int statusAt = rest.indexOf(", status=", close);
    if (statusAt < 0) {
      return new Malformed("no status= field");
    }
    Matcher status = STATUS.matcher(rest.substring(statusAt + ", status=".length()));
    if (!status.matches()) {
      return new Malformed("status= is not \"word (reason)\"");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : rest.substring(close + ">, ".length(), statusAt).split(", ", -1)) {
      int eq = field.indexOf('=');
      if (eq <= 0 || eq == field.length() - 1) {
        return new Malformed("field \"" + field + "\" is not name=value");
      }
      fields.putIfAbsent(field.substring(0, eq), field.substring(eq + 1));
    }
    for (String required : new String[] {"relay", "delay", "delays", "dsn"}) {
      if (!fields.containsKey(required)) {
        return new Malformed("no " + required + "= field");
      }
    }
    if (!DSN.matcher(fields.get("dsn")).matches()) {
      return new Malformed("dsn=" + fields.get("dsn") + " is not an enhanced status code");
    }
    String tls = fields.getOrDefault("tls", "");
    for (String feature : tls.isEmpty() ? new String[0] : tls.split("/", -1)) {
      if (!FEATURE.matcher(feature).matches()) {
        return new Malformed("tls= feature \"" + feature + "\" is not name[:final][?]");
      }
    }
    DeliveryLogEntry entry =
        new DeliveryLogEntry(
            tag.group(1), tag.group(2), recipient, fields.get("dsn"), status.group(1), tls);
    try {
      entry.requireTls();
    } catch (IllegalArgumentException e) {
      return new Malformed("tls=" + tls + ": " + e.getMessage());
    }
    return new Delivery(entry);
  }

  /**
   * The REQUIRETLS feature of the {@code tls=} field: present for a message that asked for
   * REQUIRETLS. It follows the TLS level, so the first feature is never taken for it.
   *
   * @throws IllegalArgumentException when a feature named requiretls is not spelled as Postfix
   *     spells one
   */
  public Optional<RequireTls> requireTls() {
    String[] features = tls.split("/", -1);
    for (int i = 1; i < features.length; i++) {
      String f = features[i];
      if (!f.replaceAll("^!|[:?].*$", "").equals("requiretls")) {
        continue;
      }
      Matcher m = REQUIRETLS.matcher(f);
      if (!m.matches()) {
        throw new IllegalArgumentException("unknown REQUIRETLS feature \"" + f + "\"");
      }
      Status s =
          !m.group(1).isEmpty()
              ? Status.VIOLATION
              : !m.group(3).isEmpty() ? Status.UNDECIDED : Status.COMPLIANT;
      if (s == Status.VIOLATION && m.group(2) == null) {
        throw new IllegalArgumentException("violated REQUIRETLS feature \"" + f + "\" without detail");
      }
      if (!m.group(1).isEmpty() && !m.group(3).isEmpty()) {
        throw new IllegalArgumentException("REQUIRETLS feature \"" + f + "\" both ! and ?");
      }
      Optional<RequireTlsDetail> detail =
          Optional.ofNullable(m.group(2))
              .map(d -> RequireTlsDetail.valueOf(d.toUpperCase(Locale.ROOT)));
      return Optional.of(new RequireTls(detail, s));
    }
    return Optional.empty();
  }

  /**
   * The recipient's domain in lower case ({@code [127.0.0.1]} for an address literal); empty
   * when the address has no {@code @}.
   */
  public String recipientDomain() {
    int at = recipient.lastIndexOf('@');
    return at < 0 ? "" : recipient.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
