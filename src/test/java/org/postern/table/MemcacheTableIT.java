package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.it.Memcached;

/**
 * memcache: tables against Debian's memcached on 127.0.104.10, and against scripted hostile
 * servers on 127.0.104.11: key_format, ttl and flags as memcached stores them, read-through to
 * a backup table, a domain list, a server that goes away and comes back, replies that break the
 * protocol.
 */
class MemcacheTableIT {
  private static final String HOST = "127.0.104.10";
  private static final int PORT = 11211;
  private static final String HOSTILE = "127.0.104.11";

  @TempDir static Path dir;
  private static Memcached memcached;
  private final List<String> warnings = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    memcached = Memcached.start(dir, HOST, PORT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (memcached != null) {
      memcached.close();
    }
  }

  private static String cf(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file.toString();
  }

  /** What memcached itself answers to {@code command}, up to END or a one-line reply. */
  private static String raw(String command) throws IOException {
    try (Socket s = new Socket(HOST, PORT)) {
      s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      StringBuilder out = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0) {
        out.append((char) b);
        String text = out.toString();
        if (text.endsWith("END\r\n") || (!text.startsWith("VALUE") && text.endsWith("\r\n"))) {
          break;
        }
      }
      return out.toString();
    }
  }

  @Test
  void dictCache_putGetDelete_withKeyFormatTtlAndFlags() throws Exception {
    String name = cf("verify.cf", "memcache = inet:" + HOST + ":" + PORT,
        "key_format = verify:%s", "ttl = 600", "flags = 7");
    try (DictCache c = DictCache.open("address_verify_map", "memcache:" + name, warnings::add);
        LookupTable t = Tables.open("memcache:" + name, warnings::add)) {
      c.put("User@Example.COM", "0:1:2:ok");
      assertThat(raw("get verify:user@example.com"))
          .isEqualTo("VALUE verify:user@example.com 7 8\r\n0:1:2:ok\r\nEND\r\n");
      assertThat(c.get("user@example.com")).contains("0:1:2:ok");
      assertThat(t.find("USER@example.com")).contains("0:1:2:ok");
      c.delete("user@example.com");
      assertThat(c.get("user@example.com")).isEmpty();
      assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.FIXED);
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void unixSocket_putAndFind() throws Exception {
    Path socketDir = Files.createDirectories(dir.resolve("unix"));
    try (Memcached local = Memcached.startUnix(socketDir)) {
      String name = cf("unix.cf", "memcache = " + local.endpoint());
      try (DictCache c = DictCache.open("x_map", "memcache:" + name, warnings::add);
          LookupTable t = Tables.open("memcache:" + name, warnings::add)) {
        c.put("k", "over a UNIX-domain socket");
        assertThat(t.find("k")).contains("over a UNIX-domain socket");
      }
    }
  }

  @Test
  void cleanup_withoutBackup_findsNothingWithPostfixWarning() throws Exception {
    String name = cf("nobackup.cf", "memcache = inet:" + HOST + ":" + PORT);
    try (DictCache c = DictCache.open("postscreen_cache_map", "memcache:" + name, warnings::add)) {
      c.put("192.0.2.1", "1;2;3");
      c.cleanup("memcache:" + name, e -> false, warnings::add);
      assertThat(c.get("192.0.2.1")).contains("1;2;3");
    }
    assertThat(warnings).containsExactly(
        "warning: database memcache:" + name + ": first/next support requires backup database",
        "cache memcache:" + name + " full cleanup: retained=0 dropped=0 entries");
  }

  @Test
  void dictCache_withBackup_writesBoth_refillsMemcache_cleansUpThroughTheBackup()
      throws Exception {
    Path backup = dir.resolve("backup-cache");
    String name = cf("backup.cf", "memcache = inet:" + HOST + ":" + PORT,
        "key_format = b:%s", "backup = lmdb:" + backup);
    try (DictCache c = DictCache.open("address_verify_map", "memcache:" + name, warnings::add)) {
      c.put("keep@example.com", "keep");
      c.put("drop@example.com", "drop");
      assertThat(raw("flush_all")).isEqualTo("OK\r\n");
      assertThat(c.get("keep@example.com")).contains("keep");
      assertThat(raw("get b:keep@example.com")).contains("keep");

      c.cleanup("memcache:" + name, e -> e.value().equals("keep"), warnings::add);

      assertThat(c.entries()).containsExactly(new TableEntry("keep@example.com", "keep"));
      assertThat(raw("get b:drop@example.com")).isEqualTo("END\r\n");
    }
    assertThat(warnings).containsExactly(
        "cache memcache:" + name + " full cleanup: retained=1 dropped=1 entries");
  }

  @Test
  void find_missInMemcache_readsBackupAndFillsMemcache() throws Exception {
    String name = cf("aliases.cf", "memcache = inet:" + HOST + ":" + PORT,
        "key_format = aliases:%s", "backup = inline:{ info@example.com=staff@example.com }");
    try (LookupTable t = Tables.open("memcache:" + name, warnings::add)) {
      assertThat(raw("get aliases:info@example.com")).isEqualTo("END\r\n");
      assertThat(t.find("info@example.com")).contains("staff@example.com");
      assertThat(raw("get aliases:info@example.com")).contains("staff@example.com");
      assertThat(t.find("other@example.com")).isEmpty();
      assertThat(t.entries()).containsExactly(
          new TableEntry("info@example.com", "staff@example.com"));
    }
  }

  @Test
  void find_domainListAndKeyParts_limitWhatIsAsked() throws Exception {
    String name = cf("domain.cf", "memcache = inet:" + HOST + ":" + PORT,
        "key_format = d:%d:%u", "domain = example.com");
    try (DictCache c = DictCache.open("x_map", "memcache:" + name, warnings::add);
        LookupTable t = Tables.open("memcache:" + name, warnings::add)) {
      c.put("joe@example.com", "yes");
      c.put("joe@example.net", "no");
      c.put("has space@example.com", "no");
      assertThat(raw("get d:example.com:joe")).contains("yes");
      assertThat(t.find("joe@example.com")).contains("yes");
      assertThat(t.find("joe@example.net")).isEmpty();
      assertThat(t.find("example.com")).isEmpty();
      assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.PATTERN);
    }
    assertThat(warnings).containsExactly(
        "memcache:" + name + ": skipping update for name \"joe@example.net\": domain mismatch",
        "memcache:" + name + ": skipping update for name \"has space@example.com\":"
            + " name contains space or controls");
  }

  @Test
  void find_serverDown_isTemporaryFailureThenRecovers() throws Exception {
    String name = cf("down.cf", "memcache = inet:" + HOST + ":" + PORT, "retry_pause = 1");
    try (LookupTable t = Tables.open("memcache:" + name, warnings::add)) {
      assertThat(t.find("before")).isEmpty();
      memcached.stop();
      try {
        assertThatThrownBy(() -> t.find("during")).isInstanceOf(TableException.class)
            .hasMessageStartingWith("table memcache:" + name + ": ");
      } finally {
        memcached.start();
      }
      assertThat(t.find("after")).isEmpty();
    }
  }

  @Test
  void find_hostileReplies_areErrorsNeverValues() throws Exception {
    List<String> replies = List.of(
        "VALUE k 0 99999999\r\n",
        "VALUE k 0 3\r\nabcdef\r\nEND\r\n",
        "VALUE other 0 3\r\nabc\r\nEND\r\n",
        "VALUE k zero 3\r\nabc\r\nEND\r\n",
        "x".repeat(5000) + "\r\n",
        "SERVER_ERROR out of memory\r\n");
    for (String reply : replies) {
      try (ScriptedServer server = new ScriptedServer(InetAddress.getByName(HOSTILE),
          (in, out, requests) -> answer(in, out, requests, reply))) {
        String name = cf("hostile.cf", "memcache = inet:" + HOSTILE + ":" + server.port(),
            "max_try = 1");
        try (LookupTable t = Tables.open("memcache:" + name, warnings::add)) {
          assertThatThrownBy(() -> t.find("k")).as(reply).isInstanceOf(TableException.class);
        }
        assertThat(server.requests).as(reply).containsExactly("get k");
      }
    }
  }

  private static void answer(InputStream in, OutputStream out, List<String> requests,
      String reply) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.append((char) b);
    }
    requests.add(line.toString().strip());
    out.write(reply.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
