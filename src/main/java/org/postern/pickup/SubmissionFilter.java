package org.postern.pickup;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.queue.ClientFacts;
import org.postern.queue.Envelope;
import org.postern.queue.TraceFlags;

/**
 * What pickup keeps of a maildrop file's envelope. maildrop is writable by every local user, so a
 * file may have been written by hand rather than by sendmail; what only the mail system may say
 * must not pass from such a file into the queue. This does the filtering that Postfix's postdrop
 * does for every submission (and its pickup for files not owned by {@code mail_owner}):
 *
 * <ul>
 *   <li>always dropped, as Postfix's pickup drops FILTER and REDIRECT records even after {@code
 *       postsuper -r}: {@code content_filter} and {@code redirect_to}; cleanup applies pickup's
 *       own {@code content_filter} afresh;
 *   <li>from a file of an ordinary user: every named attribute but {@code rewrite_context}
 *       ({@code local} or {@code remote}), {@code sender_fullname} and the {@code trace_flags}
 *       of {@code sendmail -bv} (512) or {@code -v} (1024), as Postfix 3.12's postdrop allows,
 *       never those of an MTA address probe; the client name and
 *       address and the TLS protocol and cipher (a local submission has no network client);
 *       a protocol other than {@code SMTP} or {@code ESMTP} ({@code sendmail -bs}).
 * </ul>
 *
 * <p>Sender, recipients with their DSN parameters, DSN RET and ENVID, body type, the REQUIRETLS
 * and SMTPUTF8 marks and the HELO name of {@code sendmail -bs} are what sendmail's own options
 * set, so they pass. Each record dropped from a user's file is logged as postdrop logs it: {@code
 * uid=N: ignoring attribute record: NAME=VALUE}.
 */
final class SubmissionFilter {
  /** The attributes that name a route only the mail system may choose. */
  static final Set<String> SYSTEM_ONLY = Set.of("content_filter", "redirect_to");

  private static final String REWRITE_CONTEXT = "rewrite_context";
  private static final Set<String> REWRITE_CONTEXTS = Set.of("local", "remote");
  private static final Set<String> USER_ATTRIBUTES = Set.of(REWRITE_CONTEXT, "sender_fullname");
  private static final Set<String> USER_PROTOCOLS = Set.of("SMTP", "ESMTP");
  private static final int LOGGED_LENGTH = 200;

  private SubmissionFilter() {}

  /**
   * The envelope to hand to cleanup. {@code privileged} is true for files owned by root, the
   * daemon's own user or {@code mail_owner}; {@code warn} receives one line per dropped record.
   */
  static Envelope filter(Envelope e, long uid, boolean privileged, Consumer<String> warn) {
    Map<String, String> kept = new HashMap<>();
    for (Map.Entry<String, String> a : e.attributes().entrySet()) {
      if (SYSTEM_ONLY.contains(a.getKey()) && privileged) {
        continue;
      }
      if (privileged || userMaySet(a.getKey(), a.getValue())) {
        kept.put(a.getKey(), a.getValue());
      } else {
        warn.accept(ignoring(uid, a.getKey(), a.getValue()));
      }
    }
    ClientFacts client = privileged ? e.client() : client(e.client(), uid, warn);
    return new Envelope(e.sender(), e.recipients(), e.dsnRet(), e.envid(), e.requireTls(),
        e.smtputf8(), e.bodyType(), client, kept);
  }

  private static boolean userMaySet(String name, String value) {
    if (name.equals(TraceFlags.ATTRIBUTE)) {
      // Postfix's postdrop: a user may ask for sendmail -bv or -v tracing, never for an MTA probe.
      return value.equals(Integer.toString(TraceFlags.USER_VERIFY))
          || value.equals(Integer.toString(TraceFlags.RECORD));
    }
    return USER_ATTRIBUTES.contains(name)
        && (!name.equals(REWRITE_CONTEXT) || REWRITE_CONTEXTS.contains(value));
  }

  /** What sendmail -bs writes (HELO name, SMTP or ESMTP); the rest only smtpd may know. */
  private static ClientFacts client(ClientFacts c, long uid, Consumer<String> warn) {
    boolean userProtocol = USER_PROTOCOLS.contains(c.protocol());
    Map<String, String> dropped = new LinkedHashMap<>();
    dropped.put("client_name", c.name());
    dropped.put("client_address", c.address());
    dropped.put("protocol_name", userProtocol ? "" : c.protocol());
    dropped.put("tls_protocol", c.tlsProtocol());
    dropped.put("tls_cipher", c.tlsCipher());
    dropped.forEach((name, value) -> {
      if (!value.isEmpty()) {
        warn.accept(ignoring(uid, name, value));
      }
    });
    return new ClientFacts("", "", c.helo(), userProtocol ? c.protocol() : "", "", "");
  }

  private static String ignoring(long uid, String name, String value) {
    return "uid=" + uid + ": ignoring attribute record: " + cut(name) + "=" + cut(value);
  }

  private static String cut(String s) {
    return s.length() > LOGGED_LENGTH ? s.substring(0, LOGGED_LENGTH) : s;
  }
}
