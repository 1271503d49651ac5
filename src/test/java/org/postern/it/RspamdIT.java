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
 * rspamd (Debian rspamd) in its milter proxy mode as an smtpd milter on 127.0.87.3, with a
 * private local config: it adds its headers to a message it passes and rejects one that a
 * multimap rule marks.
 */
class RspamdIT {
  private static final String ADDRESS = "127.0.87.3";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Process rspamd;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (rspamd != null) {
      rspamd.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      rspamd.destroyForcibly().waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ADDRESS, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** rspamd with every worker on 127.0.87.3 and the test's rule; the milter proxy's port. */
  private int startRspamd() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("rspamd"));
    Path local = Files.createDirectories(conf.resolve("local.d"));
    Path override = Files.createDirectories(conf.resolve("override.d"));
    for (String d : List.of("db", "run", "log")) {
      Files.createDirectories(conf.resolve(d));
    }
    int proxy = freePort();
    Files.writeString(override.resolve("worker-normal.inc"),
        "bind_socket = \"" + ADDRESS + ":" + freePort() + "\";\ncount = 1;\n");
    Files.writeString(override.resolve("worker-controller.inc"),
        "bind_socket = \"" + ADDRESS + ":" + freePort() + "\";\ncount = 1;\n");
    Files.writeString(override.resolve("worker-proxy.inc"), "bind_socket = \"" + ADDRESS + ":"
        + proxy + "\";\nmilter = yes;\ntimeout = 60s;\nupstream \"local\" {\n  default = yes;\n"
        + "  self_scan = yes;\n}\n");
    // No DNS reaches out of the test: lookups go to a closed port and fail at once.
    Files.writeString(local.resolve("options.inc"), "dns {\n  nameserver = [\"" + ADDRESS + ":"
        + freePort() + "\"];\n  timeout = 1s;\n  retransmits = 1;\n}\n");
    Files.writeString(conf.resolve("reject-subjects.map"), "/rspamd reject/\n");
    Files.writeString(local.resolve("multimap.conf"), "POSTERN_TEST_REJECT {\n"
        + "  type = \"header\";\n  header = \"Subject\";\n  map = \""
        + conf.resolve("reject-subjects.map") + "\";\n  regexp = true;\n"
        + "  action = \"reject\";\n  message = \"rejected by rspamd rule\";\n}\n");
    Files.writeString(local.resolve("milter_headers.conf"),
        "use = [\"x-spam-status\"];\nskip_local = false;\nskip_authenticated = false;\n");
    Files.writeString(local.resolve("logging.inc"), "type = \"file\";\nfilename = \""
        + conf.resolve("log/rspamd.log") + "\";\nlevel = \"info\";\n");
    rspamd = new ProcessBuilder("rspamd", "-f", "-i", "-u", "root", "-g", "root", "-c",
        "/etc/rspamd/rspamd.conf", "--var=LOCAL_CONFDIR=" + conf, "--var=DBDIR=" + conf.resolve("db"),
        "--var=RUNDIR=" + conf.resolve("run"), "--var=LOGDIR=" + conf.resolve("log"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("rspamd.out").toFile()).start();
    assertThat(Commands.await(LIMIT, () -> listening(proxy))).as("rspamd proxy listening").isTrue();
    return proxy;
  }

  private String send(SmtpClient c, String subject) throws IOException {
    assertThat(c.command("MAIL FROM:<alice@example.com>").code()).isEqualTo(250);
    assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
    assertThat(c.command("DATA").code()).isEqualTo(354);
    c.send("From: alice@example.com\r\nTo: root@mx.test\r\nSubject: " + subject + "\r\n"
        + "Message-ID: <" + subject.replace(' ', '-') + "@example.com>\r\n"
        + "Date: Sun, 06 Dec 2026 14:00:00 +0000\r\n\r\nHello from the test.\r\n.\r\n");
    return c.reply().text();
  }

  @Test
  void rspamdMilter_addsHeadersAndRejectsByRule() throws Exception {
    int proxy = startRspamd();
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), "myhostname = mx.test\n"
        + "mydestination = mx.test\nlocal_recipient_maps =\nsmtpd_milters = inet:" + ADDRESS + ":"
        + proxy + "\nmilter_default_action = tempfail\n");
    postern.startAndAwaitSmtp();
    String passed;
    String rejected;
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      passed = send(c, "hello");
      rejected = send(c, "please rspamd reject this");
    }
    assertThat(passed).startsWith("250 2.0.0 Ok: queued as ");
    assertThat(rejected).isEqualTo("554 5.7.1 rejected by rspamd rule");
    Set<String> ids = postern.queueIds("incoming");
    assertThat(ids).hasSize(1);
    assertThat(postern.postcat(ids.iterator().next())).containsPattern("X-Spam-Status: No, score=");
  }
}
