package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Submits test mail to a running Postern with the real clients: swaks and python3's smtplib. */
final class Submit {
  private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-Za-z]+)");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private Submit() {}

  /** swaks from {@code sender} to {@code recipient}, plus {@code options}; the queue id. */
  static String swaks(PosternInstance postern, String sender, String recipient, String... options)
      throws IOException, InterruptedException {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "swaks", "--server", "127.0.0.1:" + postern.smtpPort(), "--ehlo", "client.test",
                "--from", sender, "--to", recipient));
    argv.addAll(List.of(options));
    return queueId(Commands.ok(argv, null, LIMIT).out());
  }

  private static final String SMTPLIB_REQUIRETLS =
      """
      import smtplib, ssl, sys
      host, port, cafile, sender, recipient, subject, body = sys.argv[1:8]
      ctx = ssl.create_default_context(cafile=cafile)
      ctx.check_hostname = False
      message = "From: <%s>\\r\\nTo: <%s>\\r\\nSubject: %s\\r\\n\\r\\n%s\\r\\n" % (sender, recipient, subject, body)
      with smtplib.SMTP(host, int(port), local_hostname="client.test") as c:
          c.set_debuglevel(1)
          c.ehlo()
          c.starttls(context=ctx)
          c.ehlo()
          refused = c.sendmail(sender, [recipient], message, mail_options=["REQUIRETLS"])
          print("refused:", refused)
      """;

  /**
   * python3's smtplib: STARTTLS verified against {@code caFile} (host name not checked), then one
   * message with {@code MAIL FROM:<sender> REQUIRETLS}; the queue id.
   */
  static String requireTls(
      PosternInstance postern, Path caFile, String sender, String recipient, String subject, String body)
      throws IOException, InterruptedException {
    return requireTls(postern.smtpPort(), caFile, sender, recipient, subject, body);
  }

  /** {@link #requireTls(PosternInstance, Path, String, String, String, String)} to smtpd on {@code port}. */
  static String requireTls(int port, Path caFile, String sender, String recipient, String subject, String body)
      throws IOException, InterruptedException {
    return requireTls("127.0.0.1", port, caFile, sender, recipient, subject, body);
  }

  /** {@link #requireTls(int, Path, String, String, String, String)} to smtpd on {@code host}. */
  static String requireTls(String host, int port, Path caFile, String sender, String recipient,
      String subject, String body) throws IOException, InterruptedException {
    Path script = Files.createTempFile("requiretls", ".py");
    try {
      Files.writeString(script, SMTPLIB_REQUIRETLS, StandardCharsets.UTF_8);
      PosternInstance.Result r =
          Commands.run(
              List.of(
                  "/usr/bin/python3", script.toString(), host, Integer.toString(port),
                  caFile.toString(), sender, recipient, subject, body),
              null,
              LIMIT);
      assertThat(r.status()).as("smtplib REQUIRETLS: " + r.out() + r.err()).isZero();
      assertThat(r.out()).contains("refused: {}");
      return queueId(r.err());
    } finally {
      Files.deleteIfExists(script);
    }
  }

  static String queueId(String transcript) {
    Matcher m = QUEUED.matcher(transcript);
    assertThat(m.find()).as("a 250 queued reply in:\n" + transcript).isTrue();
    return m.group(1);
  }
}
