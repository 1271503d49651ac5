package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenDKIM (Debian opendkim) as an smtpd milter on 127.0.87.2 signs a message that Postern
 * receives; dkimpy (Debian python3-dkim) verifies the queued message against the key OpenDKIM
 * generated, so the signature covers exactly what Postern stores.
 */
class OpenDkimIT {
  private static final String MILTER_ADDRESS = "127.0.87.2";
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Process opendkim;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (opendkim != null) {
      opendkim.destroyForcibly().waitFor();
    }
  }

  private int startOpenDkim() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Commands.ok(List.of("opendkim-genkey", "-D", keys.toString(), "-d", "example.com", "-s", "sel"),
        null, LIMIT);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(MILTER_ADDRESS))) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("opendkim.conf");
    Files.writeString(conf, String.join("\n",
        "Mode sv",
        "Domain example.com",
        "Selector sel",
        "KeyFile " + keys.resolve("sel.private"),
        "Socket inet:" + port + "@" + MILTER_ADDRESS,
        "Canonicalization relaxed/simple",
        "RequireSafeKeys false",
        "Syslog no",
        "PidFile " + dir.resolve("opendkim.pid"),
        ""));
    opendkim = new ProcessBuilder("opendkim", "-f", "-x", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("opendkim.out").toFile()).start();
    assertThat(Commands.await(LIMIT, () -> listening(port))).as("opendkim listening").isTrue();
    return port;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(MILTER_ADDRESS, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void smtpdMilters_openDkimSigns_signatureVerifies() throws Exception {
    int port = startOpenDkim();
    postern = PosternInstance.createReceiveOnly(dir, "myhostname = mx.test\nmydestination = mx.test\n"
        + "local_recipient_maps =\nsmtpd_milters = inet:" + MILTER_ADDRESS + ":" + port + "\n");
    postern.startAndAwaitSmtp();
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<alice@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.send("From: Alice <alice@example.com>\r\nTo: root@mx.test\r\nSubject: signed\r\n"
          + "Date: Sun, 06 Dec 2026 14:00:00 +0000\r\nMessage-ID: <dkim-1@example.com>\r\n\r\n"
          + "A body to sign.\r\n.\r\n");
      assertThat(c.reply().text()).startsWith("250 2.0.0 Ok: queued as ");
    }
    Set<String> ids = postern.queueIds("incoming");
    assertThat(ids).hasSize(1);
    String cat = postern.postcat(ids.iterator().next());
    String message = cat.substring(cat.indexOf('\n', cat.indexOf("*** MESSAGE CONTENTS")) + 1,
        cat.indexOf("*** HEADER EXTRACTED"));
    assertThat(message).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.com;");
    Path stored = dir.resolve("stored.eml");
    Files.writeString(stored, message);
    Path verify = Path.of(getClass().getResource("dkim_verify.py").toURI());
    PosternInstance.Result r = Commands.run(List.of("/usr/bin/python3", verify.toString(),
        stored.toString(), dir.resolve("keys/sel.txt").toString()), null, LIMIT);
    assertThat(r.out().strip()).as(r.err()).isEqualTo("verified");
  }
}
