package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A milter that breaks the protocol on purpose (src/test/resources/org/postern/it/
 * hostile_milter.py, raw sockets on 127.0.87.4): a 2xx reply code, a reply smuggling a second
 * line, a truncated packet, a 2 GB length, a zero length, an unknown reply, data after continue.
 * Under {@code milter_default_action = tempfail} each costs the session a 451 and no more: smtpd
 * stays up, answers QUIT, and logs what the milter did.
 */
class HostileMilterIT {
  private static final String MILTER_ADDRESS = "127.0.87.4";
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Process milter;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (milter != null) {
      milter.destroyForcibly().waitFor();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(MILTER_ADDRESS, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** One session whose MAIL FROM picks the misbehaviour; the MAIL reply. */
  private String mail(String mode) throws IOException {
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      String reply = c.command("MAIL FROM:<" + mode + "@example.com>").text();
      assertThat(c.command("MAIL FROM:<again@example.com>").text())
          .as("the failure persists for the session").isEqualTo(reply);
      assertThat(c.command("QUIT").text()).isEqualTo("221 2.0.0 Bye");
      return reply;
    }
  }

  @Test
  void malformedReplies_costAtMostATempfail() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(MILTER_ADDRESS))) {
      port = s.getLocalPort();
    }
    Path script = Path.of(getClass().getResource("hostile_milter.py").toURI());
    milter = new ProcessBuilder("/usr/bin/python3", script.toString(), MILTER_ADDRESS,
        Integer.toString(port)).redirectErrorStream(true)
        .redirectOutput(dir.resolve("milter.out").toFile()).start();
    assertThat(Commands.await(LIMIT, () -> listening(port))).as("milter listening").isTrue();
    String spec = "inet:" + MILTER_ADDRESS + ":" + port;
    postern = PosternInstance.createReceiveOnly(dir, "myhostname = mx.test\nsmtpd_milters = "
        + spec + "\nmilter_default_action = tempfail\n");
    postern.startAndAwaitSmtp();

    String configuration = "451 4.3.5 Server configuration problem - try again later";
    String communication = "451 4.7.1 Service unavailable - try again later";
    assertThat(mail("badcode")).isEqualTo(configuration);
    assertThat(mail("crlf")).isEqualTo(configuration);
    assertThat(mail("truncated")).isEqualTo(communication);
    assertThat(mail("oversized")).isEqualTo(communication);
    assertThat(mail("zero")).isEqualTo(communication);
    assertThat(mail("unknown")).isEqualTo(communication);
    assertThat(mail("garbage")).isEqualTo(communication);

    postern.awaitLog(Pattern.compile("reply 'c' was followed by 2 data bytes"), LIMIT);
    assertThat(postern.maillogText())
        .contains("warning: milter " + spec + ": malformed reply: 250 2.0.0 fine")
        .contains("warning: milter " + spec + ": unreasonable packet length: 2147483647 > 2097152")
        .contains("warning: milter " + spec + ": bad packet length: 0")
        .contains("warning: milter " + spec + ": unexpected filter response 'Z'")
        .contains("NOQUEUE: milter-reject: MAIL from localhost[127.0.0.1]: " + communication
            + "; from=<truncated@example.com> proto=ESMTP helo=<client.test>");
    assertThat(postern.queueIds("incoming")).isEmpty();
  }
}
