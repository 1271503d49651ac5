package org.postern.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import org.postern.queue.CleanupStatus;

/**
 * Cleanup's work on the message content, header by header and line by line: header_checks and
 * body_checks, the headers it drops ({@code message_drop_headers}: Bcc, Content-Length,
 * Resent-Bcc, Return-Path), the hop count, the marks that headers set ({@code Require-TLS-ESMTP:
 * yes}, {@code TLS-Required: no}, 8-bit headers for SMTPUTF8 autodetection), and the headers it
 * adds at the end of the primary header (Message-Id, Date, From and the undisclosed recipients
 * header when allowed; {@code Require-TLS-ESMTP: yes} for a REQUIRETLS message). Output goes to
 * the spool, lines ended by LF.
 *
 * <p>Failure: once the message is refused nothing more is written; a spool write error becomes a
 * temporary failure (452 4.3.1 when the disk is full) instead of an exception, so that the
 * caller can read the client's data to its end.
 */
final class ContentProcessor implements HeaderParser.Handler {
  static final String REQUIRE_TLS_ESMTP = "require-tls-esmtp";
  private static final byte[] LF = {'\n'};
  private static final String NON_EMPTY_EOH = "primary header was terminated with non-empty line";

  /** The facts about the message the processor needs from the transaction. */
  record Facts(
      String queueId,
      Instant arrival,
      ZoneId zone,
      String sender,
      String fullName,
      boolean addMissingHeaders,
      boolean autodetectSmtputf8) {}

  private final CleanupSettings settings;
  private final Facts facts;
  private final ContentChecks checks;
  private final CleanupErrors errors;
  private final ActionLogger log;
  private final OutputStream out;
  private final Set<String> seen = new HashSet<>();
  private boolean resent;
  private int hops;
  private long bodyOffset;
  private long size;
  private boolean requireTls;
  private boolean smtputf8;
  private boolean tlsRequiredNo;

  ContentProcessor(CleanupSettings settings, Facts facts, boolean requireTls, ContentChecks checks,
      CleanupErrors errors, ActionLogger log, OutputStream out) {
    this.settings = settings;
    this.facts = facts;
    this.requireTls = requireTls;
    this.checks = checks;
    this.errors = errors;
    this.log = log;
    this.out = out;
  }

  boolean requireTls() {
    return requireTls;
  }

  boolean smtputf8() {
    return smtputf8;
  }

  boolean tlsRequiredNo() {
    return tlsRequiredNo;
  }

  @Override
  public void header(Header received) {
    Header h = received;
    switch (checks.header(h.text())) {
      case ContentChecks.Drop d -> {
        return;
      }
      case ContentChecks.Prepend p -> write(p.text().getBytes(StandardCharsets.UTF_8), true);
      case ContentChecks.Replace r -> h = Header.parse(r.text());
      case ContentChecks.Keep k -> { }
    }
    inspect(h);
    if (!settings.messageDropHeaders().contains(h.key())) {
      write(h.raw(), true);
    }
  }

  private void inspect(Header h) {
    String key = h.key();
    seen.add(key);
    if (facts.autodetectSmtputf8() && h.hasNonAscii()) {
      smtputf8 = true;
    }
    if (key.startsWith("resent-")) {
      resent = true;
    }
    switch (key) {
      case "message-id" -> log.log().line(facts.queueId() + ": message-id=" + printable(h));
      case "resent-message-id" ->
          log.log().line(facts.queueId() + ": resent-message-id=" + printable(h));
      case "received" -> {
        if (++hops >= settings.hopcountLimit()) {
          errors.add(CleanupStatus.HOPS);
        }
      }
      case REQUIRE_TLS_ESMTP -> {
        if (settings.requireTlsEsmtpHeader() && h.value().equalsIgnoreCase("yes")) {
          requireTls = true;
        }
      }
      case "tls-required" -> {
        if (settings.tlsRequiredEnable() && h.value().equalsIgnoreCase("no")) {
          tlsRequiredNo = true;
        }
      }
      default -> { }
    }
  }

  private static String printable(Header h) {
    return ActionLogger.printable(h.value(), Integer.MAX_VALUE);
  }

  @Override
  public void headerEnd() {
    String prefix = resent ? "Resent-" : "";
    String id = resent ? "resent-message-id" : "message-id";
    if (facts.addMissingHeaders() && !seen.contains(id)) {
      String value = MissingHeaders.messageId(facts.arrival(), facts.queueId(), settings.myhostname());
      add(prefix + "Message-Id: <" + value + ">");
      log.log().line(facts.queueId() + ": " + id + "=<" + value + ">");
      seen.add(id);
    }
    if (!seen.contains("message-id")) {
      log.log().line(facts.queueId() + ": message-id=<>");
    }
    if (facts.addMissingHeaders() && !seen.contains(resent ? "resent-date" : "date")) {
      add(prefix + "Date: " + MissingHeaders.date(facts.arrival(), facts.zone()));
    }
    if (facts.addMissingHeaders() && !seen.contains(resent ? "resent-from" : "from")) {
      add(prefix + "From: " + MissingHeaders.from(
          facts.sender(), facts.fullName(), settings.obsoleteHeaderFromFormat()));
    }
    if (facts.addMissingHeaders() && !settings.undisclosedRecipientsHeader().isEmpty()
        && !seen.contains("to") && !seen.contains("resent-to") && !seen.contains("cc")
        && !seen.contains("resent-cc")) {
      addUndisclosed();
    }
    if (requireTls && settings.requireTlsEsmtpHeader() && !seen.contains(REQUIRE_TLS_ESMTP)) {
      add("Require-TLS-ESMTP: yes");
    }
  }

  /**
   * {@code non_empty_end_of_header_action}: the empty line the sender left out is inserted (with
   * a MIME-Error header first, for add_header), or the message is rejected with 5.6.0, as
   * Postfix 3.11's cleanup does.
   */
  @Override
  public void nonEmptyEndOfHeader(byte[] line, int length) {
    switch (settings.nonEmptyEndOfHeaderAction()) {
      case FIX_QUIETLY -> write(new byte[0], true);
      case ADD_HEADER -> {
        add("MIME-Error: message header was not terminated by empty line");
        write(new byte[0], true);
      }
      case REJECT -> {
        String text = new String(line, 0, Math.min(length, 100), StandardCharsets.UTF_8);
        log.mimeError(NON_EMPTY_EOH, ActionLogger.printable(text, 100));
        errors.reject("5.6.0 " + NON_EMPTY_EOH);
      }
    }
  }

  private void addUndisclosed() {
    String text = settings.undisclosedRecipientsHeader();
    if (Header.parse(text) == null) {
      log.warning("bad undisclosed_recipients_header header text \"" + text
          + "\" -- need \"headername: headervalue\"");
    } else {
      add(text);
    }
  }

  private void add(String header) {
    write(header.getBytes(StandardCharsets.UTF_8), true);
  }

  @Override
  public void body(byte[] data, int length, boolean complete) {
    if (checks.bodyChecksWanted()
        && (settings.bodyChecksSizeLimit() == 0 || bodyOffset < settings.bodyChecksSizeLimit())) {
      switch (checks.body(new String(data, 0, length, StandardCharsets.UTF_8))) {
        case ContentChecks.Drop d -> {
          bodyOffset += length;
          return;
        }
        case ContentChecks.Replace r -> {
          bodyOffset += length;
          write(r.text().getBytes(StandardCharsets.UTF_8), true);
          return;
        }
        case ContentChecks.Prepend p -> write(p.text().getBytes(StandardCharsets.UTF_8), true);
        case ContentChecks.Keep k -> { }
      }
    }
    bodyOffset += length;
    write(data, length, complete);
  }

  private void write(byte[] data, boolean complete) {
    write(data, data.length, complete);
  }

  private void write(byte[] data, int length, boolean complete) {
    if (!errors.outputOk()) {
      return;
    }
    size += length + (complete ? 2 : 0);
    if (settings.messageSizeLimit() > 0 && size > settings.messageSizeLimit()) {
      errors.add(CleanupStatus.SIZE);
      return;
    }
    try {
      out.write(data, 0, length);
      if (complete) {
        out.write(LF);
      }
    } catch (IOException e) {
      errors.add(Cleanup.writeStatus(e));
      log.warning(facts.queueId() + ": write queue file: " + e.getMessage());
    }
  }
}
