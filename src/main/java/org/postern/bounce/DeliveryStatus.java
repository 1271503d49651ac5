package org.postern.bounce;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postern.deliver.RecipientLog;
import org.postern.queue.Envelope;

/**
 * The machine-readable part of a report: RFC 3464 message/delivery-status (RFC 6533
 * message/global-delivery-status for SMTPUTF8 mail). Per-message fields first (Reporting-MTA,
 * Original-Envelope-Id, Postern's queue id and sender, Arrival-Date), then one block per
 * recipient (Final-Recipient, Original-Recipient, Action, Status, Remote-MTA, Diagnostic-Code,
 * and Will-Retry-Until in a delay warning).
 *
 * <p>Original-Recipient: the ORCPT value when the client gave one, else the address before
 * alias expansion. RFC 3464 6.3.d says to leave it out without ORCPT; Postfix reports it anyway
 * because it adds ORCPT itself when it relays, and so does Postern.
 */
final class DeliveryStatus {
  private static final Pattern DIAGNOSTIC_TYPE = Pattern.compile("^[A-Za-z0-9-]+;.*", Pattern.DOTALL);

  private final BounceSettings settings;
  private final ZoneId zone;

  DeliveryStatus(BounceSettings settings, ZoneId zone) {
    this.settings = settings;
    this.zone = zone;
  }

  List<String> part(Notice n, String boundary) {
    List<String> p = new ArrayList<>();
    p.add("");
    p.add("--" + boundary);
    p.add("Content-Description: Delivery report");
    if (n.global()) {
      p.add("Content-Type: message/global-delivery-status");
      p.add("Content-Transfer-Encoding: 8bit");
    } else {
      p.add("Content-Type: message/delivery-status");
    }
    p.add("");
    p.addAll(perMessage(n));
    for (RecipientLog.Entry e : n.entries()) {
      p.add("");
      p.addAll(perRecipient(n, e));
    }
    return p;
  }

  private List<String> perMessage(Notice n) {
    Envelope env = n.original().envelope();
    List<String> f = new ArrayList<>();
    f.add("Reporting-MTA: dns; " + settings.myhostname());
    env.envid().filter(id -> !id.isEmpty()).ifPresent(id -> f.add("Original-Envelope-Id: " + id));
    String x = "X-" + settings.mailNameAtom();
    f.add(x + "-Queue-ID: " + n.queueId());
    String sender = OriginalCopy.returnPath(env.sender());
    f.add(x + "-Sender: " + addressType(n, sender) + "; " + sender);
    f.add("Arrival-Date: " + date(n.original().arrivalTime()));
    return f;
  }

  private List<String> perRecipient(Notice n, RecipientLog.Entry e) {
    List<String> f = new ArrayList<>();
    f.add("Final-Recipient: " + addressType(n, e.recipient()) + "; " + e.recipient());
    Optional<String> orcpt = e.dsnOrcpt().filter(o -> !o.isEmpty());
    if (orcpt.isPresent()) {
      String o = orcpt.get();
      f.add("Original-Recipient: " + (o.indexOf(';') > 0 ? o : "rfc822;" + o));
    } else {
      e.originalRecipient().filter(o -> !o.isEmpty()).ifPresent(
          o -> f.add("Original-Recipient: " + addressType(n, o) + "; " + o));
    }
    f.add("Action: " + n.type().action(e.action()));
    f.add("Status: " + e.dsn());
    remoteMta(e).ifPresent(host -> f.addAll(wrap("Remote-MTA: dns; " + host)));
    f.addAll(wrap("Diagnostic-Code: " + diagnostic(e)));
    if (n.type() == NoticeType.DELAY) {
      f.add("Will-Retry-Until: "
          + date(n.original().arrivalTime().plus(settings.maximalQueueLifetime())));
    }
    return f;
  }

  /**
   * The remote reply when there was one ({@code smtp; 550 5.1.1 ...}, given with or without its
   * type), else Postern's own text under the {@code X-mail_name} type.
   */
  private String diagnostic(RecipientLog.Entry e) {
    Optional<String> remote = e.diagnostic().filter(d -> !d.isBlank());
    if (remote.isPresent()) {
      String d = remote.get().strip();
      return DIAGNOSTIC_TYPE.matcher(d).matches() ? d : "smtp; " + d;
    }
    return "X-" + settings.mailNameAtom() + "; " + e.text();
  }

  /**
   * The host that answered, from the logged relay ({@code mx.example[192.0.2.1]:25}), when the
   * answer came from a remote server; {@code local}, {@code none} and the like name no MTA.
   */
  static Optional<String> remoteMta(RecipientLog.Entry e) {
    if (e.diagnostic().isEmpty()) {
      return Optional.empty();
    }
    String relay = e.relay();
    int bracket = relay.indexOf('[');
    String host = bracket > 0 ? relay.substring(0, bracket) : relay;
    if (host.isEmpty() || host.equals("none") || host.equals("local") || bracket == 0) {
      return Optional.empty();
    }
    return Optional.of(host);
  }

  /** RFC 6533: {@code utf-8} for a non-ASCII address in SMTPUTF8 mail, else {@code rfc822}. */
  private static String addressType(Notice n, String address) {
    boolean ascii = address.length() == address.getBytes(StandardCharsets.UTF_8).length;
    return n.global() && !ascii ? "utf-8" : "rfc822";
  }

  private String date(Instant t) {
    return NotificationWriter.MAIL_DATE.format(t.atZone(zone));
  }

  private static List<String> wrap(String field) {
    return TextWrap.wrap(field, 79, 4);
  }
}
