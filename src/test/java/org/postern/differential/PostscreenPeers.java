package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.it.Commands;
import org.postern.it.DnssecWorld;
import org.postern.it.PosternInstance;
import org.postern.it.RawDialogue;

/**
 * Postfix 3.12 and Postern, each with postscreen in front of {@code smtpd pass}, in one DNS world
 * (unbound on 127.0.93.53:53, which Postfix sees as /etc/resolv.conf): Postfix 3.12 screens on
 * 127.0.93.1:25, Postern on 127.0.93.2:25. {@link #same} runs a dialogue against both from the
 * same client address and compares what the client saw, byte for byte, and what each logged
 * about it (ports and delays aside).
 *
 * <p>The world lists 127.0.93.12 and .21 at {@code dnsbl.dane.test} (127.0.0.2, with a TXT
 * text), .17 with 127.0.0.10 (outside the filter), .13 at {@code dnswl.dane.test}, and {@code
 * bad.dane.test} at {@code rhsbl.dane.test}; the access list denies .20 and allows .21.
 */
final class PostscreenPeers implements AutoCloseable {
  private static final String POSTFIX = "127.0.93.1";
  private static final String POSTERN = "127.0.93.2";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private DnssecWorld dns;
  private Postfix312 postfix;
  private PosternInstance postern;

  private PostscreenPeers() {}

  /** Starts both in {@code dir} (traversable), with {@code settings} after the shared main.cf. */
  static PostscreenPeers start(Path dir, List<String> settings) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    PostscreenPeers p = new PostscreenPeers();
    p.dns = DnssecWorld.start(dir.resolve("dns"), List.of(
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
    List<String> mainCf = new ArrayList<>(List.of(
        "myhostname = mx.test",
        "smtpd_banner = mx.test ESMTP",
        "smtpd_tls_security_level = none",
        "mynetworks = 127.0.0.1/32",
        "postscreen_greet_wait = 1s",
        "postscreen_access_list = permit_mynetworks, cidr:" + access,
        "postscreen_dnsbl_sites = dnsbl.dane.test=127.0.0.[2..9]*2 dnswl.dane.test=127.0.0.5*-5",
        "postscreen_dnsbl_threshold = 2",
        "postscreen_dnsbl_allowlist_threshold = -1",
        "postscreen_pipelining_enable = yes",
        "postscreen_non_smtp_command_enable = yes",
        "postscreen_bare_newline_enable = yes",
        "rbl_reply_maps = texthash:" + replies,
        "smtpd_recipient_restrictions = reject_rbl_client dnsbl.dane.test=127.0.0.2,"
            + " reject_rhsbl_sender rhsbl.dane.test, permit_mynetworks, reject_unauth_destination"));
    mainCf.addAll(settings);
    List<String> masterCf = List.of(
        "smtpd pass - - n - - smtpd",
        "dnsblog unix - - n - 0 dnsblog",
        "tlsproxy unix - - n - 0 tlsproxy");
    p.postfix = Postfix312.start(dir.resolve("postfix"), mainCf,
        concat(List.of(POSTFIX + ":25 inet n - n - 1 postscreen"), masterCf), Optional.of(resolvConf));
    p.postern = PosternInstance.create(dir.resolve("postern"), String.join("\n", mainCf) + "\n"
        + "postern_dns_resolver_address = 127.0.93.53:53\n");
    p.postern.appendMasterCf(String.join("\n",
        concat(List.of(POSTERN + ":25 inet n - n - 1 postscreen"), masterCf)));
    p.postern.startAndAwaitSmtp();
    return p;
  }


  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix, dns}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** One dialogue with the server at {@code server}; returns what the client saw. */
  @FunctionalInterface
  interface Dialogue {
    String run(Socket s) throws IOException;
  }

  private static String transcript(String server, String source, Dialogue d) throws IOException {
    try (Socket s = RawDialogue.connect(source, server)) {
      return d.run(s);
    }
  }

  /** One reply as a transcript shows it: lines ended by LF, {@code <EOF>} as a line of its own. */
  static String reply(InputStream in) throws IOException {
    String text = RawDialogue.reply(in, "\n");
    return text.endsWith("<EOF>") ? text + "\n" : text;
  }

  static String say(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    return "> " + line + "\n" + reply(s.getInputStream());
  }

  /** EHLO, with only whether PIPELINING is offered: it tells smtpd from postscreen's engine. */
  static String ehlo(Socket s, String name) throws IOException {
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

  private void sameEvents(String client, String lastEvent) throws InterruptedException {
    Supplier<Boolean> bothDone = () -> postfix.maillogText().lines().anyMatch(l -> l.contains(lastEvent) && l.contains(client + "]"))
        && postern.maillogText().lines().anyMatch(l -> l.contains(lastEvent) && l.contains(client + "]"));
    assertThat(Commands.await(LIMIT, bothDone::get)).as("both logged " + lastEvent + " for " + client
        + "\nPostfix:\n" + postfix.maillogText() + "\nPostern:\n" + postern.maillogText()).isTrue();
    List<String> expected = events(postfix.maillogText(), client);
    assertThat(expected).as("Postfix 3.12's log lines for " + client).isNotEmpty();
    assertThat(events(postern.maillogText(), client)).as("Postern's log lines for " + client)
        .isEqualTo(expected);
  }

  /** Runs {@code d} from {@code source} against both; same replies, same log lines about it. */
  void same(String source, Dialogue d, String lastEvent) throws Exception {
    String expected = transcript(POSTFIX, source, d);
    String actual = transcript(POSTERN, source, d);
    assertThat(actual).as("Postern's replies to " + source).isEqualTo(expected);
    sameEvents(source, lastEvent);
  }
}
