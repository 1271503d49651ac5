package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.it.RawDialogue.reply;
import static org.postern.it.RawDialogue.say;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * postscreen(8) in front of {@code smtpd pass}, and smtpd's own DNS list restrictions, with real
 * sockets on 127.0.93.x and a real DNS world (unbound serving {@code dnsbl.test}, {@code
 * dnswl.test} and {@code rhsbl.test}): the master.cf pattern {@code 127.0.93.1:25 inet n - n - 1
 * postscreen} + {@code smtpd pass}, the {@code 220-} teaser before smtpd's own greeting, PASS
 * NEW then PASS OLD, PREGREET, DNSBL rank with an enforced 550, an allow-list with a negative
 * weight, the access list's deny and allow entries, and the deep protocol tests.
 */
class PostscreenIT {
  private static final String POSTSCREEN = "127.0.93.1";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static Unbound unbound;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    unbound = dnsWorld(dir.resolve("unbound"), List.of(
        "2.93.0.127.dnsbl.test. 300 IN A 127.0.0.2",
        "2.93.0.127.dnsbl.test. 300 IN TXT \"listed for testing\"",
        "3.93.0.127.dnsbl.test. 300 IN A 127.0.0.10",
        "4.93.0.127.dnswl.test. 300 IN A 127.0.0.5",
        "4.93.0.127.dnsbl.test. 300 IN A 127.0.0.2",
        "bad.test.rhsbl.test. 300 IN A 127.0.0.2"));
    Path access = dir.resolve("postscreen_access.cidr");
    Files.writeString(access, "127.0.93.20/32 reject\n127.0.93.21/32 permit\n");
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), String.join("\n",
        "mynetworks = 127.0.0.1/32",
        "postern_dns_resolver_address = " + unbound.address(),
        "postscreen_greet_wait = 1s",
        "postscreen_greet_action = enforce",
        "postscreen_access_list = permit_mynetworks, cidr:" + access,
        "postscreen_denylist_action = drop",
        "postscreen_dnsbl_sites = dnsbl.test=127.0.0.[2..9]*2 dnswl.test=127.0.0.5*-5",
        "postscreen_dnsbl_threshold = 2",
        "postscreen_dnsbl_allowlist_threshold = -1",
        "postscreen_dnsbl_action = enforce",
        "postscreen_pipelining_enable = yes",
        "postscreen_non_smtp_command_enable = yes",
        "postscreen_bare_newline_enable = yes",
        "postscreen_bare_newline_action = enforce",
        "smtpd_recipient_restrictions = permit_dnswl_client dnswl.test, reject_rbl_client"
            + " dnsbl.test=127.0.0.2, reject_rhsbl_helo rhsbl.test, reject_rhsbl_sender rhsbl.test,"
            + " permit_mynetworks, reject_unauth_destination",
        ""));
    postern.appendMasterCf(String.join("\n",
        POSTSCREEN + ":25 inet n - n - 1 postscreen",
        "smtpd pass - - n - - smtpd",
        "dnsblog unix - - n - 0 dnsblog",
        "tlsproxy unix - - n - 0 tlsproxy"));
    postern.startAndAwaitSmtp();
  }

  /** The lists' zone; TXT data needs quotes, so local-data is single-quoted here. */
  static Unbound dnsWorld(Path unboundDir, List<String> records) throws IOException, InterruptedException {
    Files.createDirectories(unboundDir);
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(Unbound.server(unboundDir, port, "iterator"));
    conf.add("  local-zone: \"test.\" static");
    for (String r : records) {
      conf.add("  local-data: '" + r + "'");
    }
    return Unbound.launch(unboundDir, port, conf);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      if (unbound != null) {
        unbound.close();
      }
    }
  }

  /** A client socket from {@code source} to postscreen; nothing read or written yet. */
  private static Socket connect(String source) throws IOException {
    return RawDialogue.connect(source, POSTSCREEN);
  }

  private static String log(String regex) throws InterruptedException {
    return postern.awaitLog(Pattern.compile(regex), LIMIT);
  }

  @Test
  void newClient_teaserThenSmtpdGreeting_passNew_thenPassOldWithoutTeaser() throws Exception {
    try (Socket s = connect("127.0.93.10")) {
      String greeting = reply(s.getInputStream());
      assertThat(greeting).startsWith("220-").contains("\r\n220 ");
      // Deep tests are on: this is postscreen's dummy engine, which never offers PIPELINING.
      assertThat(say(s, "EHLO client.test")).doesNotContain("PIPELINING");
      assertThat(say(s, "MAIL FROM:<a@client.test>")).startsWith("250 2.1.0");
      assertThat(say(s, "RCPT TO:<b@example.test>")).isEqualTo("450 4.3.2 Service currently unavailable\r\n");
      assertThat(say(s, "QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
    }
    log("postscreen\\[\\d+\\]: CONNECT from \\[127\\.0\\.93\\.10\\]:\\d+ to \\[127\\.0\\.93\\.1\\]:25");
    log("postscreen\\[\\d+\\]: NOQUEUE: reject: RCPT from \\[127\\.0\\.93\\.10\\]:\\d+: 450 4\\.3\\.2 Service"
        + " currently unavailable; from=<a@client\\.test>, to=<b@example\\.test>, proto=ESMTP, helo=<client\\.test>");
    log("postscreen\\[\\d+\\]: PASS NEW \\[127\\.0\\.93\\.10\\]:\\d+");
    log("postscreen\\[\\d+\\]: DISCONNECT \\[127\\.0\\.93\\.10\\]:\\d+");
    try (Socket s = connect("127.0.93.10")) {
      String greeting = reply(s.getInputStream());
      assertThat(greeting).startsWith("220 ").doesNotContain("220-");
      assertThat(say(s, "EHLO client.test")).contains("PIPELINING");
      say(s, "QUIT");
    }
    log("postscreen\\[\\d+\\]: PASS OLD \\[127\\.0\\.93\\.10\\]:\\d+");
    log("smtpd\\[\\d+\\]: connect from unknown\\[127\\.0\\.93\\.10\\]");
  }

  @Test
  void listedClient_rankAndEnforcedReject() throws Exception {
    try (Socket s = connect("127.0.93.2")) {
      assertThat(reply(s.getInputStream())).startsWith("220-").contains("\r\n220 ");
      say(s, "EHLO listed.test");
      say(s, "MAIL FROM:<a@listed.test>");
      assertThat(say(s, "RCPT TO:<b@example.test>")).isEqualTo(
          "550 5.7.1 Service unavailable; client [127.0.93.2] blocked using dnsbl.test\r\n");
      say(s, "QUIT");
    }
    log("postscreen\\[\\d+\\]: DNSBL rank 2 for \\[127\\.0\\.93\\.2\\]:\\d+");
    log("NOQUEUE: reject: RCPT from \\[127\\.0\\.93\\.2\\]:\\d+: 550 5\\.7\\.1 Service unavailable; client"
        + " \\[127\\.0\\.93\\.2\\] blocked using dnsbl\\.test; from=<a@listed\\.test>, to=<b@example\\.test>,"
        + " proto=ESMTP, helo=<listed\\.test>");
    log("DISCONNECT \\[127\\.0\\.93\\.2\\]:\\d+");
  }

  @Test
  void replyOutsideTheFilter_scoresNothing() throws Exception {
    try (Socket s = connect("127.0.93.3")) {
      reply(s.getInputStream());
      say(s, "EHLO filtered.test");
      say(s, "MAIL FROM:<a@filtered.test>");
      assertThat(say(s, "RCPT TO:<b@example.test>")).startsWith("450 4.3.2");
      say(s, "QUIT");
    }
    log("PASS NEW \\[127\\.0\\.93\\.3\\]:\\d+");
    assertThat(postern.maillogText()).doesNotContain("DNSBL rank 2 for [127.0.93.3]");
  }

  @Test
  void allowListedByNegativeWeight_skipsTheDeepTests_goesToSmtpd() throws Exception {
    try (Socket s = connect("127.0.93.4")) {
      String greeting = reply(s.getInputStream());
      assertThat(greeting).startsWith("220-").contains("\r\n220 ");
      assertThat(say(s, "EHLO good.test")).contains("PIPELINING");
      say(s, "QUIT");
    }
    log("PASS NEW \\[127\\.0\\.93\\.4\\]:\\d+");
    log("smtpd\\[\\d+\\]: connect from unknown\\[127\\.0\\.93\\.4\\]");
  }

  @Test
  void pregreet_enforced_noBannerAndRejectedRecipient() throws Exception {
    try (Socket s = connect("127.0.93.11")) {
      s.getOutputStream().write("EHLO early.test\r\n".getBytes(StandardCharsets.US_ASCII));
      // The teaser, then the dummy engine's answer to the early EHLO (it sends no 220 of its
      // own to a client that spoke first): the two read as one multi-line reply.
      String teaserAndEhlo = reply(s.getInputStream());
      assertThat(teaserAndEhlo).startsWith("220-").contains("\r\n250-").doesNotContain("\r\n220 ");
      say(s, "MAIL FROM:<a@early.test>");
      assertThat(say(s, "RCPT TO:<b@example.test>")).isEqualTo("550 5.5.1 Protocol error\r\n");
      say(s, "QUIT");
    }
    log("postscreen\\[\\d+\\]: PREGREET 17 after [0-9.]+ from \\[127\\.0\\.93\\.11\\]:\\d+: EHLO early\\.test\\\\r\\\\n");
  }

  @Test
  void accessList_denyDropsAndAllowPassesAtOnce() throws Exception {
    try (Socket s = connect("127.0.93.20")) {
      assertThat(reply(s.getInputStream())).isEqualTo("521 5.3.2 Service currently unavailable\r\n");
    }
    log("DENYLISTED \\[127\\.0\\.93\\.20\\]:\\d+");
    log("DISCONNECT \\[127\\.0\\.93\\.20\\]:\\d+");
    try (Socket s = connect("127.0.93.21")) {
      assertThat(reply(s.getInputStream())).startsWith("220 ").doesNotContain("220-");
      say(s, "QUIT");
    }
    log("ALLOWLISTED \\[127\\.0\\.93\\.21\\]:\\d+");
  }

  @Test
  void pipelining_enforced() throws Exception {
    try (Socket s = connect("127.0.93.12")) {
      reply(s.getInputStream());
      say(s, "EHLO pipe.test");
      s.getOutputStream().write("MAIL FROM:<a@pipe.test>\r\nRCPT TO:<b@example.test>\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(reply(s.getInputStream())).startsWith("250");
      assertThat(reply(s.getInputStream())).isEqualTo("550 5.5.1 Protocol error\r\n");
      say(s, "QUIT");
    }
    log("COMMAND PIPELINING from \\[127\\.0\\.93\\.12\\]:\\d+ after MAIL: RCPT TO:<b@example\\.test>\\\\r\\\\n");
  }

  @Test
  void nonSmtpCommand_dropped() throws Exception {
    try (Socket s = connect("127.0.93.13")) {
      reply(s.getInputStream());
      assertThat(say(s, "GET / HTTP/1.0")).isEqualTo("521 5.7.0 Error: I can break rules, too. Goodbye.\r\n");
    }
    log("NON-SMTP COMMAND from \\[127\\.0\\.93\\.13\\]:\\d+ after CONNECT: GET / HTTP/1\\.0");
  }

  @Test
  void bareNewline_enforced() throws Exception {
    try (Socket s = connect("127.0.93.14")) {
      reply(s.getInputStream());
      s.getOutputStream().write("EHLO bare.test\n".getBytes(StandardCharsets.US_ASCII));
      reply(s.getInputStream());
      say(s, "MAIL FROM:<a@bare.test>");
      assertThat(say(s, "RCPT TO:<b@example.test>")).isEqualTo("550 5.5.1 Protocol error\r\n");
      say(s, "QUIT");
    }
    log("BARE NEWLINE from \\[127\\.0\\.93\\.14\\]:\\d+ after EHLO bare\\.test");
  }

  @Test
  void smtpd_rejectRblClient_withTheListsText() throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom("127.0.93.2", postern.smtpPort())) {
      c.command("EHLO listed.test");
      c.command("MAIL FROM:<a@listed.test>");
      assertThat(c.command("RCPT TO:<postmaster@localhost>").toString()).isEqualTo(
          "554 5.7.1 Service unavailable; Client host [127.0.93.2] blocked using dnsbl.test;"
              + " listed for testing");
    }
    log("smtpd\\[\\d+\\]: NOQUEUE: reject: RCPT from unknown\\[127\\.0\\.93\\.2\\]: 554 5\\.7\\.1 Service"
        + " unavailable; Client host \\[127\\.0\\.93\\.2\\] blocked using dnsbl\\.test; listed for testing;"
        + " from=<a@listed\\.test> to=<postmaster@localhost> proto=ESMTP helo=<listed\\.test>");
  }

  @Test
  void smtpd_permitDnswlClient_beforeTheDenyList() throws Exception {
    // 127.0.93.4 is on both lists; the allow-list comes first (and postscreen scores it -3).
    try (SmtpClient c = SmtpClient.connectFrom("127.0.93.4", postern.smtpPort())) {
      c.command("EHLO good.test");
      c.command("MAIL FROM:<a@good.test>");
      assertThat(c.command("RCPT TO:<postmaster@localhost>").code()).isEqualTo(250);
    }
  }

  @Test
  void smtpd_rejectRhsblHelo() throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom("127.0.93.16", postern.smtpPort())) {
      c.command("EHLO bad.test");
      c.command("MAIL FROM:<a@good.test>");
      assertThat(c.command("RCPT TO:<postmaster@localhost>").toString()).isEqualTo(
          "554 5.7.1 Service unavailable; Helo command [bad.test] blocked using rhsbl.test");
    }
  }

  @Test
  void smtpd_rejectRhsblSender() throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom("127.0.93.15", postern.smtpPort())) {
      c.command("EHLO sender.test");
      c.command("MAIL FROM:<s@bad.test>");
      assertThat(c.command("RCPT TO:<postmaster@localhost>").toString()).isEqualTo(
          "554 5.7.1 Service unavailable; Sender address [s@bad.test] blocked using rhsbl.test");
    }
  }
}
