package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.it.Commands;
import org.postern.it.DnssecWorld;
import org.postern.it.PosternInstance;

/**
 * Postern's postscreen against Postfix 3.12's, the same dialogues from the same client
 * addresses, in one DNS world (unbound on 127.0.93.53:53, which Postfix sees as
 * /etc/resolv.conf): Postfix 3.12 screens on 127.0.93.1:25, Postern on 127.0.93.2:25, each in
 * front of its own {@code smtpd pass}. The client sees the same replies, byte for byte, and each
 * logs the same postscreen lines (ports and delays aside): CONNECT, PASS NEW, PASS OLD,
 * PREGREET, DNSBL rank, NOQUEUE: reject: RCPT, COMMAND PIPELINING, NON-SMTP COMMAND, BARE
 * NEWLINE, DENYLISTED, ALLOWLISTED, HANGUP and DISCONNECT. smtpd's reject_rbl_client and
 * reject_rhsbl_sender (with an rbl_reply_maps template) answer alike too.
 */
class PostscreenDifferentialIT {
  private static final String POSTFIX = "127.0.93.1";
  private static final String POSTERN = "127.0.93.2";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static DnssecWorld dns;
  private static Postfix312 postfix;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    dns = DnssecWorld.start(dir.resolve("dns"), List.of(
        "12.93.0.127.dnsbl.dane.test. 300 IN A 127.0.0.2",
        "12.93.0.127.dnsbl.dane.test. 300 IN TXT \"listed for testing\"",
        "21.93.0.127.dnsbl.dane.test. 300 IN A 127.0.0.2",
        "21.93.0.127.dnsbl.dane.test. 300 IN TXT \"listed for testing\"",
        "17.93.0.127.dnsbl.dane.test. 300 IN A 127.0.0.10",
        "13.93.0.127.dnswl.dane.test. 300 IN A 127.0.0.5",
        "bad.dane.test.rhsbl.dane.test. 300 IN A 127.0.0.2"), Set.of(), List.of("127.0.93.53@53"));
    Path resolvConf = dir.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver 127.0.93.53\n");
    Path access = dir.resolve("postscreen_access.cidr");
    Files.writeString(access, "127.0.93.20/32 reject\n127.0.93.21/32 permit\n");
    Path replies = dir.resolve("rbl_replies");
    Files.writeString(replies, "rhsbl.dane.test $rbl_code 5.7.0 Sender $rbl_what is listed at $rbl_domain\n");
    List<String> mainCf = List.of(
        "myhostname = mx.test",
        "smtpd_banner = mx.test ESMTP",
        "smtpd_tls_security_level = none",
        "mynetworks = 127.0.0.1/32",
        "postscreen_greet_wait = 1s",
        "postscreen_greet_action = enforce",
        "postscreen_access_list = permit_mynetworks, cidr:" + access,
        "postscreen_denylist_action = drop",
        "postscreen_dnsbl_sites = dnsbl.dane.test=127.0.0.[2..9]*2 dnswl.dane.test=127.0.0.5*-5",
        "postscreen_dnsbl_threshold = 2",
        "postscreen_dnsbl_allowlist_threshold = -1",
        "postscreen_dnsbl_action = enforce",
        "postscreen_pipelining_enable = yes",
        "postscreen_non_smtp_command_enable = yes",
        "postscreen_bare_newline_enable = yes",
        "postscreen_bare_newline_action = enforce",
        "rbl_reply_maps = texthash:" + replies,
        "smtpd_recipient_restrictions = reject_rbl_client dnsbl.dane.test=127.0.0.2,"
            + " reject_rhsbl_sender rhsbl.dane.test, permit_mynetworks, reject_unauth_destination");
    List<String> masterCf = List.of(
        "smtpd pass - - n - - smtpd",
        "dnsblog unix - - n - 0 dnsblog",
        "tlsproxy unix - - n - 0 tlsproxy");
    postfix = Postfix312.start(dir.resolve("postfix"), mainCf,
        concat(List.of(POSTFIX + ":25 inet n - n - 1 postscreen"), masterCf), Optional.of(resolvConf));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n", mainCf) + "\n"
        + "postern_dns_resolver_address = 127.0.93.53:53\n");
    postern.appendMasterCf(String.join("\n",
        concat(List.of(POSTERN + ":25 inet n - n - 1 postscreen"), masterCf)));
    postern.startAndAwaitSmtp();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix, dns}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** One dialogue with the server at {@code server}; returns what the client saw. */
  @FunctionalInterface
  private interface Dialogue {
    String run(Socket s) throws IOException;
  }

  private static String transcript(String server, String source, Dialogue d) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.connect(new InetSocketAddress(InetAddress.getByName(server), 25), 5_000);
      s.setSoTimeout(30_000);
      return d.run(s);
    }
  }

  private static String reply(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          return text + "<EOF>\n";
        }
        line.write(b);
      }
      String l = line.toString(StandardCharsets.UTF_8).replaceAll("\r$", "");
      text.append(l).append('\n');
      if (l.length() < 4 || l.charAt(3) != '-') {
        return text.toString();
      }
    }
  }

  private static String say(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    return "> " + line + "\n" + reply(s.getInputStream());
  }

  /** EHLO, with only whether PIPELINING is offered: it tells smtpd from postscreen's engine. */
  private static String ehlo(Socket s, String name) throws IOException {
    String r = say(s, "EHLO " + name);
    return "> EHLO " + name + "\n" + r.substring(r.indexOf('\n') + 1, r.indexOf('\n') + 4)
        + " PIPELINING=" + r.contains("PIPELINING") + "\n";
  }

  /** The postscreen and smtpd lines about {@code client}, without tags, ports and delays. */
  private static List<String> events(String maillog, String client) {
    Pattern line = Pattern.compile("(?m)^.*?/(postscreen|smtpd)\\[\\d+\\]: (.*" + Pattern.quote(client) + "\\].*)$");
    Matcher m = line.matcher(maillog);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      String text = m.group(2)
          .replaceAll(Pattern.quote(client) + "\\]:\\d+", client + "]:P")
          .replaceAll("to \\[127\\.0\\.93\\.[12]\\]:25", "to [SERVER]:25")
          .replaceAll("after [0-9.]+ from", "after T from")
          .replaceAll(" commands=.*", "");
      if (!text.startsWith("disconnect from") && !text.startsWith("lost connection")) {
        out.add(m.group(1) + ": " + text);
      }
    }
    return out;
  }

  private static void sameEvents(String client, String lastEvent) throws InterruptedException {
    Supplier<Boolean> bothDone = () -> postfix.maillogText().lines().anyMatch(l -> l.contains(lastEvent) && l.contains(client + "]"))
        && postern.maillogText().lines().anyMatch(l -> l.contains(lastEvent) && l.contains(client + "]"));
    assertThat(Commands.await(LIMIT, bothDone::get)).as("both logged " + lastEvent + " for " + client
        + "\nPostfix:\n" + postfix.maillogText() + "\nPostern:\n" + postern.maillogText()).isTrue();
    List<String> expected = events(postfix.maillogText(), client);
    assertThat(expected).as("Postfix 3.12's log lines for " + client).isNotEmpty();
    assertThat(events(postern.maillogText(), client)).as("Postern's log lines for " + client)
        .isEqualTo(expected);
  }

  private static void same(String source, Dialogue d, String lastEvent) throws Exception {
    String expected = transcript(POSTFIX, source, d);
    String actual = transcript(POSTERN, source, d);
    assertThat(actual).as("Postern's replies to " + source).isEqualTo(expected);
    sameEvents(source, lastEvent);
  }

  private static final Dialogue DEEP = s -> reply(s.getInputStream()) + ehlo(s, "client.test")
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
