package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postern.it.Commands;
import org.postern.it.PosternInstance;

/**
 * The messages {@link QueueToolsDifferentialIT} puts on hold in both MTAs, each recognised in a
 * listing by its first recipient.
 */
enum HeldMessage {
  /** sendmail -O requiretls=yes. */
  REQUIRETLS(List.of("-O", "requiretls=yes"), List.of("rt@example.org"), "hold requiretls"),
  /** sendmail -O smtputf8=yes, a UTF-8 recipient and subject. */
  SMTPUTF8(List.of("-O", "smtputf8=yes"), List.of("jörg@example.org"), "hold smtputf8 é"),
  /** Three recipients, one in another domain. */
  RECIPIENTS(List.of(), List.of("m1@example.org", "m2@example.org", "m3@example.com"), "hold recipients"),
  /** Through smtpd: MAIL FROM RET=HDRS ENVID=env-42, RCPT TO NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;dee@example.com. */
  DSN(List.of(), List.of("d@example.org"), "hold dsn");

  static final String SENDER = "s@example.net";

  private final List<String> options;
  final List<String> recipients;
  private final String subject;

  HeldMessage(List<String> options, List<String> recipients, String subject) {
    this.options = options;
    this.recipients = recipients;
    this.subject = subject;
  }

  /** The name in allow-list cells: {@code postcat-e-dsn}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The smtpd listener of {@code mta} for the DSN message. */
  static String smtpd(Mta mta) {
    return mta == Mta.POSTFIX ? "127.0.90.41" : "127.0.90.42";
  }

  /** The message a {@code postqueue -j} entry is about, by its first recipient. */
  static Optional<HeldMessage> of(Map<String, Object> entry) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rcpts = (List<Map<String, Object>>) entry.get("recipients");
    Object first = rcpts == null || rcpts.isEmpty() ? null : rcpts.get(0).get("address");
    for (HeldMessage m : values()) {
      if (m.recipients.get(0).equals(first)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  String text() {
    return "From: <" + SENDER + ">\nSubject: " + subject + "\n\nbody of " + name() + "\n";
  }

  void submit(Mta mta, Postfix312 postfix, PosternInstance postern) throws Exception {
    if (this == DSN) {
      String script = String.join("\n",
          "import smtplib, sys",
          "s = smtplib.SMTP(sys.argv[1], 25)",
          "s.ehlo('client.diff.test')",
          "s.sendmail('" + SENDER + "', ['" + recipients.get(0) + "'], sys.stdin.read().replace('\\n', '\\r\\n').encode(),",
          "           mail_options=['RET=HDRS', 'ENVID=env-42'],",
          "           rcpt_options=['NOTIFY=SUCCESS,FAILURE', 'ORCPT=rfc822;dee@example.com'])",
          "s.quit()");
      PosternInstance.Result r = Commands.run(List.of("/usr/bin/python3", "-c", script, smtpd(mta)), text(), Duration.ofSeconds(60));
      assertThat(r.status()).as(mta + " smtpd: " + r.err()).isZero();
      return;
    }
    List<String> args = new ArrayList<>(List.of("-f", SENDER));
    args.addAll(options);
    args.addAll(recipients);
    if (mta == Mta.POSTFIX) {
      postfix.sendmail(text(), args);
    } else {
      PosternInstance.Result r = postern.commandWithInput(
          text().getBytes(StandardCharsets.UTF_8), "sendmail", args.toArray(String[]::new));
      assertThat(r.status()).as("Postern sendmail: " + r.err()).isZero();
    }
  }
}
