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
 * The other postscreen actions against Postfix 3.12 ({@link PostscreenPeers}): {@code ignore}
 * for the greeting and pipelining tests, {@code drop} for the DNS lists, {@code enforce} for the
 * deny-list and non-SMTP commands; the command count limit; unknown lowercase commands.
 */
class PostscreenActionsDifferentialIT {
  @TempDir static Path dir;
  private static PostscreenPeers peers;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    peers = PostscreenPeers.start(dir, List.of(
        "postscreen_greet_action = ignore",
        "postscreen_dnsbl_action = drop",
        "postscreen_blacklist_action = enforce",
        "postscreen_pipelining_action = ignore",
        "postscreen_non_smtp_command_action = enforce"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (peers != null) {
      peers.close();
    }
  }

  @Test
  void pregreet_ignored_bannerStillSent() throws Exception {
    peers.same("127.0.93.11", s -> {
      s.getOutputStream().write("EHLO early.test\r\n".getBytes(StandardCharsets.US_ASCII));
      return reply(s.getInputStream()) + reply(s.getInputStream()) + say(s, "MAIL FROM:<a@early.test>")
          + say(s, "RCPT TO:<b@example.test>") + say(s, "QUIT");
    }, "DISCONNECT");
  }

  @Test
  void listedClient_dropped() throws Exception {
    peers.same("127.0.93.12", s -> reply(s.getInputStream()), "DISCONNECT");
  }

  @Test
  void denylisted_enforced() throws Exception {
    peers.same("127.0.93.20", s -> reply(s.getInputStream()) + ehlo(s, "deny.test")
        + say(s, "MAIL FROM:<a@deny.test>") + say(s, "RCPT TO:<b@example.test>") + say(s, "QUIT"),
        "DISCONNECT");
  }

  @Test
  void pipelining_ignored() throws Exception {
    peers.same("127.0.93.14", s -> {
      String out = reply(s.getInputStream()) + ehlo(s, "pipe.test");
      s.getOutputStream().write("MAIL FROM:<a@pipe.test>\r\nRCPT TO:<b@example.test>\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      return out + reply(s.getInputStream()) + reply(s.getInputStream()) + say(s, "QUIT");
    }, "DISCONNECT");
  }

  @Test
  void unknownLowercaseCommand_isNotANonSmtpCommand() throws Exception {
    peers.same("127.0.93.19", s -> reply(s.getInputStream()) + say(s, "xyzzy now")
        + say(s, "get /") + say(s, "QUIT"), "DISCONNECT");
  }

  @Test
  void commandCountLimit() throws Exception {
    peers.same("127.0.93.22", s -> {
      StringBuilder out = new StringBuilder(reply(s.getInputStream()));
      for (int i = 0; i < 21; i++) {
        out.append(say(s, "NOOP"));
      }
      return out.toString();
    }, "DISCONNECT");
  }

  @Test
  void nonSmtpCommand_enforced() throws Exception {
    peers.same("127.0.93.15", s -> reply(s.getInputStream()) + say(s, "Subject: hello")
        + ehlo(s, "nsmtp.test") + say(s, "MAIL FROM:<a@nsmtp.test>")
        + say(s, "RCPT TO:<b@example.test>") + say(s, "QUIT"), "DISCONNECT");
  }
}
