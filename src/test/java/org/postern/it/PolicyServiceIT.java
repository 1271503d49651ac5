package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check_policy_service} against the policy servers operators run (SMTPD_POLICY_README):
 * Debian's postgrey greylists a new (client, sender, recipient) triplet with {@code
 * DEFER_IF_PERMIT} (450) and, after its delay, lets the retry through with a {@code PREPEND
 * X-Greylist:} header that ends up in the queued message; Debian's policyd-spf, run per connection
 * as spawn(8) would, checks the sender's SPF record in a test DNS world (an unbound answering
 * {@code spf.test}; policyd-spf only reads /etc/resolv.conf, so it runs in a mount namespace where
 * that file names the test resolver) and rejects a client the record does not allow with its 550
 * 5.7.23, while an allowed one gets a {@code Received-SPF: Pass} header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyServiceIT {
  private static final String SMTPD = "127.0.88.2";
  private static final String POSTGREY = "127.0.88.1";
  private static final String SPAWN = "127.0.88.3";
  private static final String RESOLVER = "127.0.88.53";
  private static final String ALLOWED = "127.0.88.10";
  private static final String FORBIDDEN = "127.0.88.11";
  private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-Za-z]+)");
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private Path tmp;
  private Process postgrey;
  private Unbound unbound;
  private Spawn spf;
  private PosternInstance postern;
  private int greylistPort;
  private int spfPort;
  private int spfSmtpdPort;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    tmp = dir;
    int postgreyPort = PosternInstance.freePort();
    postgrey = startPostgrey(postgreyPort);
    unbound = startUnbound();
    spfPort = PosternInstance.freePort();
    spf = startPolicydSpf(spfPort);
    postern = PosternInstance.createReceiveOnly(tmp.resolve("postern"), String.join("\n",
        "mynetworks = 127.0.0.1/32",
        "mydestination = example.com",
        "local_recipient_maps =",
        "greylisting = check_policy_service inet:" + POSTGREY + ":" + postgreyPort,
        "spf_check = check_policy_service { inet:" + SPAWN + ":" + spfPort + ", timeout=30s }",
        ""));
    greylistPort = PosternInstance.freePort();
    spfSmtpdPort = PosternInstance.freePort();
    Path master = postern.config().resolve("master.cf");
    Files.writeString(master, Files.readString(master)
        + SMTPD + ":" + greylistPort + " inet n - n - - smtpd\n"
        + "  -o smtpd_recipient_restrictions=$greylisting\n"
        + SMTPD + ":" + spfSmtpdPort + " inet n - n - - smtpd\n"
        + "  -o smtpd_recipient_restrictions=$spf_check\n");
    postern.start();
    awaitGreeting(greylistPort);
    awaitGreeting(spfSmtpdPort);
  }

  @AfterAll
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (spf != null) {
      spf.close();
    }
    if (unbound != null) {
      unbound.close();
    }
    if (postgrey != null) {
      postgrey.destroy();
      postgrey.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void postgrey_firstAttemptGreylisted_retryAfterDelayAcceptedWithItsHeader() throws Exception {
    List<String> first = dialogue(ALLOWED, greylistPort, "a@spf.test", "grey@example.com", "-");
    // postgrey puts 4.2.0 in front of its text when the request has etrn_domain, as Postfix's do.
    assertThat(first).contains("RCPT 450 4.2.0 <grey@example.com>: Recipient address rejected:"
        + " Greylisted, see http://postgrey.schweikert.ch/help/example.com.html");
    assertThat(postern.maillogText()).contains("NOQUEUE: reject: RCPT from unknown[" + ALLOWED + "]: 450"
        + " 4.2.0 <grey@example.com>: Recipient address rejected: Greylisted, see"
        + " http://postgrey.schweikert.ch/help/example.com.html; from=<a@spf.test> to=<grey@example.com>"
        + " proto=ESMTP helo=<client.spf.test>");
    // postgrey --delay=1: the triplet is known and old enough one second later.
    Thread.sleep(2_000);
    List<String> retry = dialogue(ALLOWED, greylistPort, "a@spf.test", "grey@example.com", "greylisted");
    assertThat(retry).contains("RCPT 250 2.1.5 Ok");
    assertThat(postern.postcat(queueId(retry))).containsPattern(
        "X-Greylist: delayed [0-9]+ seconds by postgrey-[0-9.]+ at .*");
  }

  @Test
  void policydSpf_forbiddenClientRejected550_allowedClientGetsReceivedSpf() throws Exception {
    List<String> forbidden = dialogue(FORBIDDEN, spfSmtpdPort, "a@spf.test", "user@example.com", "-");
    assertThat(forbidden).anySatisfy(l -> assertThat(l).startsWith(
        "RCPT 550 5.7.23 <user@example.com>: Recipient address rejected: Message rejected due to:"
            + " SPF fail - not authorized."));
    List<String> allowed = dialogue(ALLOWED, spfSmtpdPort, "a@spf.test", "user@example.com", "spf pass");
    assertThat(allowed).contains("RCPT 250 2.1.5 Ok");
    assertThat(postern.postcat(queueId(allowed)))
        .contains("Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=" + ALLOWED);
  }

  /** One SMTP dialogue from {@code source}; each reply as "VERB code text". */
  private List<String> dialogue(String source, int port, String sender, String recipient, String data)
      throws IOException {
    List<String> replies = new ArrayList<>();
    try (SmtpClient c = SmtpClient.connectFrom(source, InetAddress.getByName(SMTPD), port)) {
      replies.add("EHLO " + c.command("EHLO client.spf.test").code());
      replies.add("MAIL " + c.command("MAIL FROM:<" + sender + ">"));
      SmtpClient.Reply rcpt = c.command("RCPT TO:<" + recipient + ">");
      replies.add("RCPT " + rcpt);
      if (rcpt.positive() && !data.equals("-")) {
        replies.add("DATA " + c.command("DATA"));
        replies.add("END " + c.command("Subject: " + data + "\r\n\r\n" + data + "\r\n."));
      }
      c.command("QUIT");
    }
    return replies;
  }

  private static String queueId(List<String> replies) {
    for (String r : replies) {
      Matcher m = QUEUED.matcher(r);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no message queued: " + replies);
  }

  private Process startPostgrey(int port) throws Exception {
    Path db = Files.createDirectories(tmp.resolve("postgrey"));
    Process p = new ProcessBuilder("/usr/sbin/postgrey", "--inet=" + POSTGREY + ":" + port,
        "--dbdir=" + db, "--delay=1", "--user=root", "--group=root",
        "--pidfile=" + db.resolve("postgrey.pid"))
        .redirectErrorStream(true).redirectOutput(db.resolve("postgrey.log").toFile()).start();
    boolean listening = Commands.await(LIMIT, () -> connects(POSTGREY, port));
    assertThat(listening).as("postgrey listening: " + Files.readString(db.resolve("postgrey.log"))).isTrue();
    return p;
  }

  /** An unbound on 127.0.0.1 (for its readiness probe) and on port 53 of the resolver address. */
  private Unbound startUnbound() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("unbound"));
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(Unbound.server(dir, port, "iterator"));
    conf.add("  interface: " + RESOLVER + "@53");
    conf.add("  local-zone: \"test.\" static");
    conf.add("  local-data: 'spf.test. 300 IN TXT \"v=spf1 ip4:" + ALLOWED + " -all\"'");
    return Unbound.launch(dir, port, conf);
  }

  /**
   * policyd-spf with its own configuration (Debian's skips 127.0.0.0/8), per connection, in a
   * mount namespace whose /etc/resolv.conf names the test resolver.
   */
  private Spawn startPolicydSpf(int port) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policyd-spf"));
    Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver " + RESOLVER + "\n");
    Path conf = Files.writeString(dir.resolve("policyd-spf.conf"), String.join("\n",
        "debugLevel = 1", "TestOnly = 1", "HELO_reject = Fail", "Mail_From_reject = Fail",
        "PermError_reject = False", "TempError_Defer = False", "skip_addresses = 192.0.2.0/24", ""));
    return Spawn.start(SPAWN, port, List.of("/usr/bin/unshare", "-m", "/bin/sh", "-c",
        "mount --bind " + resolv + " /etc/resolv.conf && exec /usr/bin/policyd-spf " + conf));
  }

  private static boolean connects(String host, int port) {
    try (java.net.Socket s = new java.net.Socket(host, port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private void awaitGreeting(int port) throws Exception {
    boolean greets = Commands.await(Duration.ofSeconds(60), () -> {
      try (SmtpClient c = SmtpClient.connectFrom(null, InetAddress.getByName(SMTPD), port)) {
        return c.greeting().startsWith("220");
      } catch (IOException e) {
        return false;
      }
    });
    assertThat(greets).as("Postern smtpd on " + SMTPD + ":" + port + "; log:\n" + postern.maillogText())
        .isTrue();
  }
}
