package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.it.RawDialogue.reply;
import static org.postern.it.RawDialogue.say;

import java.io.IOException;
import java.net.Socket;
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
import org.postern.table.DictCache;

/**
 * Two Postern instances, a and b, that share their verify(8) and postscreen(8) caches in one
 * Debian memcached (127.0.104.40), as memcache_table(5) sets a fleet up: {@code
 * address_verify_map} and {@code postscreen_cache_map} are memcache: tables with their own
 * {@code key_format} prefixes and cache cleanup off. Both relay remote.test to one downstream
 * (python3-aiosmtpd on 127.0.104.41) with {@code reject_unverified_recipient}: an address that a
 * probes is known to b without a probe of its own. A client (127.0.104.44) that passes a's
 * postscreen (127.0.104.42) is {@code PASS OLD} at b's (127.0.104.43). With memcached stopped,
 * verification is "status unavailable" (450), never a crash; once it is back, addresses are
 * probed again and mail goes through. The Postfix 3.12 peer's {@code postmap} reads what
 * Postern stored under the same configuration file, and Postern's {@code postmap -q} reads what
 * Postfix stored ({@code postmap -i}).
 */
class MemcacheFleetIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String MEMCACHED = "127.0.104.40";
  private static final String DOWNSTREAM = "127.0.104.41";
  private static final String SCREEN_A = "127.0.104.42";
  private static final String SCREEN_B = "127.0.104.43";
  private static final String CLIENT = "127.0.104.44";
  private static final String IN_PROGRESS = "Address verification in progress";

  @TempDir static Path dir;
  private static Memcached memcached;
  private static AiosmtpdPeer downstream;
  private static PosternInstance a;
  private static PosternInstance b;
  private static Path verify;

  @BeforeAll
  static void start() throws Exception {
    memcached = Memcached.start(dir, MEMCACHED, 11211);
    int port = PosternInstance.freePort();
    downstream = AiosmtpdPeer.start(dir, DOWNSTREAM, port, "--reject-rcpt", "bad",
        "--log-commands");
    verify = dir.resolve("verify-memcache.cf");
    Files.writeString(verify, String.join("\n", "memcache = " + memcached.endpoint(),
        "key_format = verify:%s", "ttl = 3600", ""));
    Path screen = dir.resolve("postscreen-memcache.cf");
    Files.writeString(screen, String.join("\n", "memcache = " + memcached.endpoint(),
        "key_format = postscreen:%s", "ttl = 86400", ""));
    a = instance("a", port, verify, screen, SCREEN_A);
    b = instance("b", port, verify, screen, SCREEN_B);
  }

  private static PosternInstance instance(String name, int downstreamPort, Path verify,
      Path screen, String screenAddress) throws Exception {
    PosternInstance p = PosternInstance.create(dir.resolve(name), String.join("\n",
        "myhostname = " + name + ".fleet.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.1/32",
        "relay_domains = remote.test",
        "defer_transports =",
        "transport_maps = inline:{remote.test=smtp:[" + DOWNSTREAM + "]:" + downstreamPort + "}",
        "smtpd_recipient_restrictions = reject_unauth_destination, reject_unverified_recipient,"
            + " permit",
        "address_verify_poll_count = 1",
        "address_verify_map = memcache:" + verify,
        "address_verify_cache_cleanup_interval = 0",
        "postscreen_cache_map = memcache:" + screen,
        "postscreen_cache_cleanup_interval = 0",
        "postscreen_greet_wait = 1s",
        "postscreen_greet_action = enforce",
        ""));
    p.appendMasterCf(String.join("\n",
        screenAddress + ":25 inet n - n - 1 postscreen",
        "smtpd pass - - n - - smtpd"));
    p.startAndAwaitSmtp();
    return p;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      for (PosternInstance p : new PosternInstance[] {a, b}) {
        if (p != null) {
          p.close();
        }
      }
    } finally {
      if (downstream != null) {
        downstream.close();
      }
      if (memcached != null) {
        memcached.close();
      }
    }
  }

  private static String rcpt(PosternInstance p, String recipient) throws IOException {
    try (SmtpClient c = SmtpClient.connect(p.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<sender@client.test>").code()).isEqualTo(250);
      String reply = c.command("RCPT TO:<" + recipient + ">").text();
      c.command("QUIT");
      return reply;
    }
  }

  private static long probes(String recipient) {
    return downstream.commands().stream()
        .filter(c -> c.verb().equals("RCPT") && c.argument().equals("TO:<" + recipient + ">"))
        .count();
  }

  /** Asks {@code p} until the address is verified; the replies seen on the way. */
  private static List<String> verified(PosternInstance p, String recipient) throws Exception {
    List<String> replies = new ArrayList<>();
    replies.add(rcpt(p, recipient));
    Commands.await(LIMIT, () -> {
      try {
        String r = rcpt(p, recipient);
        replies.add(r);
        return r.startsWith("250");
      } catch (IOException e) {
        return false;
      }
    });
    return replies;
  }

  @Test
  void verifyCache_probedByA_isKnownToB() throws Exception {
    List<String> atA = verified(a, "good@remote.test");

    assertThat(atA.get(0)).isEqualTo("450 4.1.1 <good@remote.test>: Recipient address rejected:"
        + " unverified address: " + IN_PROGRESS);
    assertThat(atA.get(atA.size() - 1)).isEqualTo("250 2.1.5 Ok");
    long probesByA = probes("good@remote.test");
    assertThat(probesByA).isEqualTo(1);
    assertThat(rcpt(b, "good@remote.test")).isEqualTo("250 2.1.5 Ok");
    assertThat(probes("good@remote.test")).as("b asked no probe of its own").isEqualTo(probesByA);
    assertThat(b.logLines(Pattern.compile("to=<good@remote\\.test>.*status=deliverable")))
        .as("b's own probes").isEmpty();
  }

  @Test
  void sameEntries_asThePostfix312Peer() throws Exception {
    try (DictCache cache = DictCache.open("address_verify_map", "memcache:" + verify, w -> { })) {
      cache.put("Stored@Postern.test", "0:0:1796579551:250 2.1.5 Ok");
    }
    Path root = Postfix312.root();
    String config = root.resolve("etc/postfix").toString();
    String postmap = Postfix312.program("postmap").toString();
    PosternInstance.Result read = Commands.run(List.of(postmap, "-c", config, "-q",
        "stored@postern.test", "memcache:" + verify), "", LIMIT);
    assertThat(read.out()).as(read.err()).isEqualTo("0:0:1796579551:250 2.1.5 Ok\n");
    PosternInstance.Result write = Commands.run(List.of(postmap, "-c", config, "-i",
        "memcache:" + verify), "stored@postfix.test 0:0:1796579552:from Postfix\n", LIMIT);
    assertThat(write.status()).as(write.err()).isZero();
    PosternInstance.Result q = a.command("postmap", "-q", "Stored@Postfix.test",
        "memcache:" + verify);
    assertThat(q.out()).as(q.err()).isEqualTo("0:0:1796579552:from Postfix\n");
  }

  @Test
  void postscreenCache_passNewAtA_isPassOldAtB() throws Exception {
    try (Socket s = RawDialogue.connect(CLIENT, SCREEN_A)) {
      assertThat(reply(s.getInputStream())).startsWith("220-");
      assertThat(say(s, "QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
    }
    a.awaitLog(Pattern.compile("postscreen\\[\\d+\\]: PASS NEW \\[127\\.0\\.104\\.44\\]:\\d+"),
        LIMIT);
    try (Socket s = RawDialogue.connect(CLIENT, SCREEN_B)) {
      assertThat(reply(s.getInputStream())).startsWith("220 ").doesNotContain("220-");
      assertThat(say(s, "QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
    }
    b.awaitLog(Pattern.compile("postscreen\\[\\d+\\]: PASS OLD \\[127\\.0\\.104\\.44\\]:\\d+"),
        LIMIT);
  }

  @Test
  void memcachedStopped_statusUnavailable_thenMailGoesThrough() throws Exception {
    memcached.stop();
    try {
      assertThat(rcpt(b, "later@remote.test")).isEqualTo("450 4.1.1 <later@remote.test>:"
          + " Recipient address rejected: unverified address: Address verification status"
          + " unavailable");
      assertThat(probes("later@remote.test")).isZero();
    } finally {
      memcached.start();
    }
    List<String> atB = verified(b, "later@remote.test");
    assertThat(atB.get(atB.size() - 1)).isEqualTo("250 2.1.5 Ok");
    String id = Submit.swaks(b, "sender@client.test", "later@remote.test");
    b.awaitLog(Pattern.compile(id + ": to=<later@remote\\.test>, relay=" + Pattern.quote(DOWNSTREAM)
        + ".*status=sent"), LIMIT);
    assertThat(downstream.messages()).anySatisfy(
        m -> assertThat(m.recipients()).containsExactly("later@remote.test"));
  }
}
