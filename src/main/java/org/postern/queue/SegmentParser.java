package org.postern.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collects the records of one envelope segment (before MESSAGE) or the extracted segment (after
 * EXTRACTED), refusing records that do not belong there, duplicates, and malformed values.
 */
final class SegmentParser {
  private static final Set<RecordType> ENVELOPE =
      EnumSet.of(
          RecordType.TIME,
          RecordType.SENDER,
          RecordType.ATTRIBUTE,
          RecordType.REQUIRETLS,
          RecordType.SMTPUTF8,
          RecordType.ORIGINAL_RECIPIENT,
          RecordType.DSN_ORCPT,
          RecordType.DSN_NOTIFY,
          RecordType.RECIPIENT,
          RecordType.DONE_RECIPIENT);
  private static final Set<RecordType> EXTRACTED =
      EnumSet.of(
          RecordType.TLS_REQUIRED,
          RecordType.ORIGINAL_RECIPIENT,
          RecordType.DSN_ORCPT,
          RecordType.DSN_NOTIFY,
          RecordType.RECIPIENT,
          RecordType.DONE_RECIPIENT);

  private final RecordInput input;
  private final Set<RecordType> allowed;
  private final String segment;
  private final Set<RecordType> seen = EnumSet.noneOf(RecordType.class);
  private final Map<String, String> attributes = new HashMap<>();
  private final List<Recipient> recipients = new ArrayList<>();
  private String sender;
  private Instant arrival;
  private String original;
  private String orcpt;
  private Set<DsnNotify> notify;

  private SegmentParser(RecordInput input, Set<RecordType> allowed, String segment) {
    this.input = input;
    this.allowed = allowed;
    this.segment = segment;
  }

  static SegmentParser envelope(RecordInput input) {
    return new SegmentParser(input, ENVELOPE, "envelope");
  }

  static SegmentParser extracted(RecordInput input) {
    return new SegmentParser(input, EXTRACTED, "extracted");
  }

  /** Takes one record of the segment. */
  void accept(QueueRecord r) throws CorruptQueueFileException {
    if (!allowed.contains(r.type())) {
      throw corrupt(r, "record type " + (char) r.type().code() + " not allowed in " + segment);
    }
    boolean repeatable = r.type() == RecordType.ATTRIBUTE || isRecipient(r.type());
    if (!seen.add(r.type()) && !repeatable && !isGroup(r.type())) {
      throw corrupt(r, "duplicate " + r.type().postcatName() + " record");
    }
    String text = TextCheck.decode(r.data());
    if (text == null) {
      throw corrupt(r, "malformed text in " + r.type().postcatName() + " record");
    }
    switch (r.type()) {
      case TIME -> arrival = parseTime(r, text);
      case SENDER -> sender = text;
      case ATTRIBUTE -> attribute(r, text);
      case REQUIRETLS, SMTPUTF8 -> expectValue(r, text, "yes");
      case TLS_REQUIRED -> expectValue(r, text, "no");
      case ORIGINAL_RECIPIENT -> original = once(r, original, text);
      case DSN_ORCPT -> orcpt = once(r, orcpt, text);
      case DSN_NOTIFY -> notify = parseNotify(r, text);
      case RECIPIENT, DONE_RECIPIENT -> recipient(r, text);
      default -> throw corrupt(r, "unexpected record");
    }
  }

  private static boolean isRecipient(RecordType t) {
    return t == RecordType.RECIPIENT || t == RecordType.DONE_RECIPIENT;
  }

  private static boolean isGroup(RecordType t) {
    return t == RecordType.ORIGINAL_RECIPIENT
        || t == RecordType.DSN_ORCPT
        || t == RecordType.DSN_NOTIFY;
  }

  private String once(QueueRecord r, String previous, String text)
      throws CorruptQueueFileException {
    if (previous != null) {
      throw corrupt(r, "two " + r.type().postcatName() + " records for one recipient");
    }
    return text;
  }

  private void recipient(QueueRecord r, String address) {
    Recipient rcpt =
        new Recipient(
            address,
            Optional.ofNullable(original),
            Optional.ofNullable(orcpt),
            notify == null ? Set.of() : notify,
            r.type() == RecordType.DONE_RECIPIENT,
            r.offset());
    recipients.add(rcpt);
    original = null;
    orcpt = null;
    notify = null;
  }

  private Instant parseTime(QueueRecord r, String text)
      throws CorruptQueueFileException {
    String[] f = text.split(" ");
    try {
      long micros = Long.parseLong(f[1]);
      if (f.length != 2 || micros < 0 || micros > 999_999) {
        throw new NumberFormatException(text);
      }
      return Instant.ofEpochSecond(Long.parseLong(f[0]), micros * 1000);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw corrupt(r, "bad arrival time: " + text);
    }
  }

  private Set<DsnNotify> parseNotify(QueueRecord r, String text)
      throws CorruptQueueFileException {
    if (notify != null) {
      throw corrupt(r, "two dsn_notify_flags records for one recipient");
    }
    Set<DsnNotify> flags = EnumSet.noneOf(DsnNotify.class);
    try {
      for (String name : text.split(",")) {
        flags.add(DsnNotify.valueOf(name));
      }
    } catch (IllegalArgumentException e) {
      throw corrupt(r, "bad dsn_notify_flags: " + text);
    }
    if (flags.contains(DsnNotify.NEVER) && flags.size() > 1) {
      throw corrupt(r, "bad dsn_notify_flags: " + text);
    }
    return flags;
  }

  private void attribute(QueueRecord r, String text) throws CorruptQueueFileException {
    int eq = text.indexOf('=');
    String name = eq > 0 ? text.substring(0, eq) : "";
    if (!name.matches("[a-z0-9_]+") || eq == text.length() - 1) {
      throw corrupt(r, "malformed attribute: " + text);
    }
    if (attributes.put(name, text.substring(eq + 1)) != null) {
      throw corrupt(r, "duplicate attribute: " + name);
    }
  }

  private void expectValue(QueueRecord r, String text, String wanted)
      throws CorruptQueueFileException {
    if (!text.equals(wanted)) {
      throw corrupt(r, "bad " + r.type().postcatName() + " value: " + text);
    }
  }

  /** Checks that no recipient group is left open at {@code end}. */
  void finish(long end) throws CorruptQueueFileException {
    if (original != null || orcpt != null || notify != null) {
      throw input.corrupt(end, "recipient attributes without a recipient in " + segment);
    }
  }

  Envelope envelope(long end) throws CorruptQueueFileException {
    finish(end);
    if (arrival == null) {
      throw input.corrupt(end, "no message_arrival_time record");
    }
    if (sender == null) {
      throw input.corrupt(end, "no sender record");
    }
    Map<String, String> rest = new HashMap<>(attributes);
    ClientFacts client =
        new ClientFacts(
            take(rest, Attributes.CLIENT_NAME),
            take(rest, Attributes.CLIENT_ADDRESS),
            take(rest, Attributes.HELO_NAME),
            take(rest, Attributes.PROTOCOL_NAME),
            take(rest, Attributes.TLS_PROTOCOL),
            take(rest, Attributes.TLS_CIPHER));
    String envid = take(rest, Attributes.DSN_ENVID);
    String ret = take(rest, Attributes.DSN_RET);
    String body = take(rest, Attributes.BODY_TYPE);
    Optional<DsnRet> dsnRet;
    try {
      dsnRet = ret.isEmpty() ? Optional.empty() : Optional.of(DsnRet.valueOf(ret));
    } catch (IllegalArgumentException e) {
      throw input.corrupt(end, "bad dsn_ret attribute: " + ret);
    }
    BodyType bodyType = BodyType.ofKeyword(body);
    if (!body.isEmpty() && bodyType == null) {
      throw input.corrupt(end, "bad body_type attribute: " + body);
    }
    return new Envelope(
        sender,
        recipients,
        dsnRet,
        envid.isEmpty() ? Optional.empty() : Optional.of(envid),
        seen.contains(RecordType.REQUIRETLS),
        seen.contains(RecordType.SMTPUTF8),
        Optional.ofNullable(bodyType),
        client,
        rest);
  }

  private static String take(Map<String, String> attributes, String name) {
    String v = attributes.remove(name);
    return v == null ? "" : v;
  }

  Instant arrival() {
    return arrival;
  }

  ExtractedEnvelope extracted(long end) throws CorruptQueueFileException {
    finish(end);
    return new ExtractedEnvelope(recipients, seen.contains(RecordType.TLS_REQUIRED));
  }

  private CorruptQueueFileException corrupt(QueueRecord r, String reason) {
    return input.corrupt(r.offset(), reason);
  }
}
