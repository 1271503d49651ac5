package org.postern.differential;

import static org.postern.differential.PostscreenPeers.ehlo;
import static org.postern.differential.PostscreenPeers.reply;
import static org.postern.differential.PostscreenPeers.say;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern's postscreen against Postfix 3.12's ({@link PostscreenPeers}), with {@code enforce}
 * for the greeting, DNS list and bare newline tests and {@code drop} for the deny-list. The
 * client sees the same replies, byte for byte, and each
 * logs the same postscreen lines (ports and delays aside): CONNECT, PASS NEW, PASS OLD,
 * PREGREET, DNSBL rank, NOQUEUE: reject: RCPT, COMMAND PIPELINING, NON-SMTP COMMAND, BARE
 * NEWLINE, DENYLISTED, ALLOWLISTED, HANGUP and DISCONNECT. smtpd's reject_rbl_client and
 * reject_rhsbl_sender (with an rbl_reply_maps template) answer alike too.
 */
class PostscreenDifferentialIT {
  @TempDir static Path dir;
  private static PostscreenPeers peers;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    peers = PostscreenPeers.start(dir, List.of(
        "postscreen_greet_action = enforce",
        "postscreen_denylist_action = drop",
        "postscreen_dnsbl_action = enforce",
        "postscreen_bare_newline_action = enforce"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (peers != null) {
      peers.close();
    }
  }

  private static void same(String source, PostscreenPeers.Dialogue d, String lastEvent) throws Exception {
    peers.same(source, d, lastEvent);
  }

  private static final PostscreenPeers.Dialogue DEEP = s -> reply(s.getInputStream()) + ehlo(s, "client.test")
      + say(s, "MAIL FROM:<a@client.test>") + say(s, "RCPT TO:<b@example.test>") + say(s, "QUIT");

  @Test
  void newClient_deepTests_passNew_thenPassOld() throws Exception {
    same("127.0.93.10", DEEP, "DISCONNECT");
    same("127.0.93.10", s -> reply(s.getInputStream()) + ehlo(s, "client.test") + say(s, "QUIT"),
        "PASS OLD");
  }

  @Test
  void listedClient_rankAndEnforcedReject() throws Exception {
    same("127.0.93.12", DEEP, "DISCONNECT");
  }

  @Test
  void replyOutsideTheFilter_scoresNothing() throws Exception {
    same("127.0.93.17", DEEP, "DISCONNECT");
  }

  @Test
  void allowListedByNegativeWeight_goesToSmtpd() throws Exception {
    same("127.0.93.13", s -> reply(s.getInputStream()) + ehlo(s, "good.test") + say(s, "QUIT"),
        "disconnect from");
  }

  @Test
  void pregreet_enforced() throws Exception {
    same("127.0.93.11", s -> {
      s.getOutputStream().write("EHLO early.test\r\n".getBytes(StandardCharsets.US_ASCII));
      return reply(s.getInputStream()) + say(s, "MAIL FROM:<a@early.test>")
          + say(s, "RCPT TO:<b@example.test>") + say(s, "QUIT");
    }, "DISCONNECT");
  }

  @Test
  void pipelining_enforced() throws Exception {
    same("127.0.93.14", s -> {
      String out = reply(s.getInputStream()) + ehlo(s, "pipe.test");
      s.getOutputStream().write("MAIL FROM:<a@pipe.test>\r\nRCPT TO:<b@example.test>\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      return out + reply(s.getInputStream()) + reply(s.getInputStream()) + say(s, "QUIT");
    }, "DISCONNECT");
  }

  @Test
  void nonSmtpCommand_dropped() throws Exception {
    same("127.0.93.15", s -> reply(s.getInputStream()) + say(s, "GET / HTTP/1.0"), "DISCONNECT");
  }

  @Test
  void bareNewline_enforced() throws Exception {
    same("127.0.93.16", s -> {
      String out = reply(s.getInputStream());
      s.getOutputStream().write("EHLO bare.test\n".getBytes(StandardCharsets.US_ASCII));
      return out + reply(s.getInputStream()) + say(s, "MAIL FROM:<a@bare.test>")
          + say(s, "RCPT TO:<b@example.test>") + say(s, "QUIT");
    }, "DISCONNECT");
  }

  @Test
  void hangupDuringTheGreetingWait() throws Exception {
    // The teaser's first bytes, then a close during the wait.
    same("127.0.93.18", s -> new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII),
        "DISCONNECT");
  }

  @Test
  void accessList_deny() throws Exception {
    same("127.0.93.20", s -> reply(s.getInputStream()), "DISCONNECT");
  }

  @Test
  void accessList_allow_thenSmtpdRblAndRhsbl() throws Exception {
    same("127.0.93.21", s -> reply(s.getInputStream()) + ehlo(s, "allowed.test")
        + say(s, "MAIL FROM:<a@allowed.test>") + say(s, "RCPT TO:<postmaster@localhost>")
        + say(s, "RSET") + say(s, "MAIL FROM:<s@bad.dane.test>")
        + say(s, "RCPT TO:<postmaster@localhost>") + say(s, "QUIT"), "disconnect from");
  }
}
