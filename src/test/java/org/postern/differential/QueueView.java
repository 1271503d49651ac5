package org.postern.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What postqueue(1) {@code -j} and postcat(1) say about one queued message, as {@link Observation}
 * fields that can be compared between Postfix 3.12 and Postern. What differs between any two
 * queue files (queue ids, times, the smtpd address, client ports, mail_name) is normalized first.
 *
 * <p>The envelope ({@code postcat -e}) is read as facts in a common vocabulary, because Postern's
 * queue file has its own records (docs/queue-format.md): {@code sender}, {@code sender_fullname},
 * {@code requiretls} and {@code smtputf8} (Postfix: bits 32 and 1 of the sixth {@code
 * message_size} field; Postern: records of their own), {@code envid} and {@code ret} (Postfix:
 * {@code envelope_id}, {@code ret_flags}; Postern: {@code dsn_envid}, {@code dsn_ret}), per
 * recipient its original address, address, DSN ORCPT and NOTIFY (Postfix: {@code notify_flags}
 * bits; Postern: names), the other named attributes, and the record names as spelled ({@code
 * spelling}).
 */
final class QueueView {
  private static final Pattern SIZE = Pattern.compile("^message_size:\\s+(.*)$");
  private static final Pattern ATTRIBUTE = Pattern.compile("^named_attribute: ([a-z0-9_]+)=(.*)$");
  private static final Pattern RECORD = Pattern.compile("^([a-z0-9_]+): ?(.*)$");
  private static final Pattern MARKER = Pattern.compile("^\\*\\*\\* ([A-Z ]+) \\S+ \\*\\*\\*$");
  private static final List<String> NOTIFY = List.of("NEVER", "SUCCESS", "FAILURE", "DELAY");

  private QueueView() {}

  /** One {@code postqueue -j} line, parsed: member names in order and values. */
  static Observation listing(Map<String, Object> entry) {
    Map<String, String> f = new TreeMap<>();
    f.put("keys", String.join(",", entry.keySet()));
    entry.forEach((k, v) -> {
      switch (k) {
        case "queue_id" -> f.put(k, v instanceof String s && !s.isEmpty() ? "(queue id)" : String.valueOf(v));
        case "arrival_time" -> f.put(k, v instanceof Long ? "(number)" : String.valueOf(v));
        case "recipients" -> {
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> rcpts = (List<Map<String, Object>>) v;
          f.put("recipients.count", Integer.toString(rcpts.size()));
          for (int i = 0; i < rcpts.size(); i++) {
            String p = "recipients." + i + ".";
            f.put(p + "keys", String.join(",", rcpts.get(i).keySet()));
            rcpts.get(i).forEach((rk, rv) -> f.put(p + rk, String.valueOf(rv)));
          }
        }
        default -> f.put(k, String.valueOf(v));
      }
    });
    return new Observation(f);
  }

  /** {@code postcat -e} of the message queued as {@code id}, by an smtpd at {@code smtpd}. */
  static Observation envelope(String postcat, String id, String smtpd) {
    Map<String, String> f = new TreeMap<>();
    TreeSet<String> spelling = new TreeSet<>();
    List<String> markers = new ArrayList<>();
    int rcpt = 0;
    String section = "env.";
    for (String line : normalize(postcat, id, smtpd).lines().toList()) {
      Matcher marker = MARKER.matcher(line);
      if (marker.matches()) {
        markers.add(marker.group(1));
        section = marker.group(1).equals("HEADER EXTRACTED") ? "extracted." : "env.";
        continue;
      }
      Matcher size = SIZE.matcher(line);
      Matcher attr = ATTRIBUTE.matcher(line);
      Matcher record = RECORD.matcher(line);
      if (size.matches()) {
        spelling.add("message_size(" + size.group(1).split("\\s+").length + " fields)");
        sizeFacts(size.group(1).split("\\s+"), f);
      } else if (attr.matches()) {
        spelling.add("named_attribute:" + attr.group(1));
        rcpt += fact(section, attr.group(1), attr.group(2), rcpt, f);
      } else if (record.matches()) {
        spelling.add(record.group(1));
        rcpt += fact(section, record.group(1), record.group(2), rcpt, f);
      } else {
        f.put(section + "unparsed." + f.size(), line);
      }
    }
    f.put("markers", String.join(",", markers));
    f.put("spelling", String.join(" ", spelling));
    return new Observation(f);
  }

  /** Postfix: size, data offset, recipients, qmgr options, content length, sendopts; Postern: size, offsets, recipients. */
  private static void sizeFacts(String[] fields, Map<String, String> f) {
    f.put("env.message_size", fields[0]);
    if (fields.length == 6) {
      f.put("env.recipient_count", fields[2]);
      int sendopts = Integer.parseInt(fields[5]);
      putFlag(f, "env.requiretls", (sendopts & 32) != 0);
      putFlag(f, "env.smtputf8", (sendopts & 1) != 0);
    } else if (fields.length == 4) {
      f.put("env.recipient_count", fields[3]);
    }
  }

  private static void putFlag(Map<String, String> f, String name, boolean on) {
    if (on) {
      f.put(name, "yes");
    }
  }

  /** Records one fact; returns 1 when it ends a recipient group. */
  private static int fact(String section, String name, String value, int rcpt, Map<String, String> f) {
    String r = section + "rcpt." + rcpt + ".";
    switch (name) {
      case "message_arrival_time" -> f.put(section + "arrival_time", "(time)");
      case "create_time" -> f.put(section + "create_time", "(time)");
      case "envelope_id", "dsn_envid" -> f.put(section + "envid", value);
      case "ret_flags" -> f.put(section + "ret", value.equals("2") ? "HDRS" : value.equals("1") ? "FULL" : value);
      case "dsn_ret" -> f.put(section + "ret", value);
      case "requiretls", "smtputf8" -> f.put(section + name, value);
      case "notify_flags" -> f.put(r + "notify", notifyNames(Integer.parseInt(value)));
      case "dsn_notify_flags" -> f.put(r + "notify", value);
      case "dsn_orig_rcpt" -> f.put(r + "orcpt", value);
      case "original_recipient" -> f.put(r + "original", value);
      case "recipient", "done_recipient" -> {
        f.put(r + name, value);
        return 1;
      }
      default -> f.put(section + name, value);
    }
    return 0;
  }

  private static String notifyNames(int bits) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < NOTIFY.size(); i++) {
      if ((bits & (1 << i)) != 0) {
        names.add(NOTIFY.get(i));
      }
    }
    return String.join(",", names);
  }

  /** {@code postcat -h} or {@code -b}: the text, normalized. */
  static Observation content(String field, String postcat, String id, String smtpd) {
    return new Observation(Map.of(field, normalize(postcat, id, smtpd)));
  }

  /**
   * {@code text} with the queue id, the smtpd address, client ports, times, Message-Id
   * timestamps and the mail_name in Received: headers replaced by placeholders.
   */
  static String normalize(String text, String id, String smtpd) {
    return text.replace(id, "QUEUEID")
        .replace(smtpd, "SMTPD")
        .replaceAll("(client_port|log_client_port)=\\d+", "$1=PORT")
        .replaceAll("\\b\\d\\d:\\d\\d:\\d\\d\\b", "HH:MM:SS")
        .replaceAll("<\\d{14}\\.QUEUEID@", "<TIMESTAMP.QUEUEID@")
        .replaceAll("\\((Postfix|Postern)([,)])", "(MAIL_NAME$2");
  }
}
