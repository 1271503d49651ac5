package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real SMTP clients (Debian's swaks, Python's smtplib) against smtpd in-process. */
class SmtpdPeersIT {
  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "EC");
  }

  private static String run(List<String> command, String stdin) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void swaks_tlsAndPipelining_messageQueuedWithEsmtps() throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of())) {
      String out =
          run(
              List.of(
                  "swaks", "--server", "127.0.0.1:" + s.port(), "--tls", "--pipeline",
                  "--ehlo", "client.test", "--from", "a@client.test", "--to", "b@mx.test,c@mx.test",
                  "--header", "Subject: swaks test", "--body", "hello from swaks"),
              "");
      assertThat(out).contains("250 2.0.0 Ok: queued as 4A1B2C3");
      assertThat(s.sink.queued()).hasSize(1);
      RecordingMessageSink.Message m = s.sink.queued().get(0);
      assertThat(m.envelope.sender()).isEqualTo("a@client.test");
      assertThat(m.envelope.recipients()).extracting(Envelope.Recipient::address)
          .containsExactly("b@mx.test", "c@mx.test");
      assertThat(m.envelope.requireTls()).isFalse();
      assertThat(m.envelope.client().protocol()).isEqualTo("ESMTPS");
      assertThat(m.headers.toString()).contains("with ESMTPS id 4A1B2C3;").contains("(using TLSv1.3 with cipher ");
      assertThat(m.content()).contains("Subject: swaks test\r\n").contains("hello from swaks\r\n");
    }
  }

  @Test
  void smtplib_starttlsWithRequiretls_messageMarked() throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of())) {
      Path script = dir.resolve("send.py");
      Files.writeString(
          script,
          """
          import smtplib, ssl, sys
          ctx = ssl.create_default_context()
          ctx.check_hostname = False
          ctx.verify_mode = ssl.CERT_NONE
          with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test") as c:
              c.ehlo()
              assert not c.has_extn("requiretls"), "REQUIRETLS announced in plaintext"
              c.starttls(context=ctx)
              c.ehlo()
              assert c.has_extn("requiretls"), "REQUIRETLS missing after STARTTLS"
              c.sendmail("a@client.test", ["b@mx.test"],
                         "Subject: smtplib\\r\\n\\r\\nbody\\r\\n", mail_options=["REQUIRETLS"])
          print("sent")
          """);
      String out = run(List.of("/usr/bin/python3", script.toString(), Integer.toString(s.port())), "");
      assertThat(out).contains("sent");
      assertThat(s.sink.queued()).hasSize(1);
      RecordingMessageSink.Message m = s.sink.queued().get(0);
      assertThat(m.envelope.requireTls()).isTrue();
      assertThat(m.envelope.tls()).isPresent();
      assertThat(m.content()).isEqualTo("Subject: smtplib\r\n\r\nbody\r\n");
    }
  }
}
