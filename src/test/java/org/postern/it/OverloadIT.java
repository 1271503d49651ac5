package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An smtpd entry with {@code maxproc} 3 listening on two {@code inet_interfaces} addresses, held
 * by idle clients: one limit for the entry, Postfix's stress warning from the master, fresh
 * clients still greeted (in stress mode: {@code smtpd_hard_error_limit} 1), anvil's 421 for a
 * client over its connection count, and {@code 421 4.3.2 All server ports are busy} once the
 * overload allowance is spent. No timing is asserted: each reply must arrive within a generous
 * socket timeout.
 */
class OverloadIT {
  private static final String FIRST = "127.0.96.40";
  private static final String SECOND = "127.0.96.41";
  private static final String TRUSTED = "127.0.96.60";
  private static final int MAXPROC = 3;

  @TempDir Path dir;
  private PosternInstance postern;
  private final List<Socket> held = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket s : held) {
      s.close();
    }
    if (postern != null) {
      postern.close();
    }
  }

  /** A connection from {@code source} to {@code server} and its first reply line. */
  private Socket connect(String source, String server, int port, List<String> firstLine)
      throws IOException {
    Socket s = new Socket();
    held.add(s);
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress(server, port), 10_000);
    s.setSoTimeout(60_000);
    firstLine.add(line(s.getInputStream()));
    return s;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.append((char) c);
    }
    return b.toString().strip();
  }

  private static String greeting(String source, String server, int port, OverloadIT it)
      throws IOException {
    List<String> first = new ArrayList<>();
    it.connect(source, server, port, first);
    return first.get(0);
  }

  @Test
  void oneLimitPerEntryStressModeAndAnswersPastTheLimits() throws Exception {
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"),
        "myhostname = mx.test\nmydestination = mx.test\nmynetworks = " + TRUSTED + "/32\n"
            + "inet_interfaces = " + FIRST + ", " + SECOND + "\n");
    int port = PosternInstance.freePort();
    postern.appendMasterCf(port + " inet n - n - " + MAXPROC + " smtpd\n"
        + "  -o smtpd_client_connection_count_limit=5\n"
        // Idle clients must stay while the flood fills the allowance: not 10 s under stress.
        + "  -o smtpd_timeout=300s");
    postern.startAndAwaitSmtp();

    assertThat(greeting("127.0.96.51", FIRST, port, this)).startsWith("220 mx.test");
    assertThat(greeting("127.0.96.52", SECOND, port, this)).startsWith("220 mx.test");
    assertThat(greeting("127.0.96.53", FIRST, port, this)).startsWith("220 mx.test");

    // The entry's three sessions are taken, though SECOND has only one: a fresh client is still
    // greeted, in stress mode, where one error is one too many.
    List<String> replies = new ArrayList<>();
    Socket fresh = connect(TRUSTED, SECOND, port, replies);
    assertThat(replies.get(0)).startsWith("220 mx.test");
    fresh.getOutputStream().write("FOO\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(line(fresh.getInputStream())).isEqualTo("500 5.5.2 Error: command not recognized");
    assertThat(line(fresh.getInputStream())).isEqualTo("421 4.7.0 mx.test Error: too many errors");
    assertThat(greeting("127.0.96.61", FIRST, port, this)).as("a stranger, fresh")
        .startsWith("220 mx.test");

    for (int i = 0; i < 5; i++) {
      assertThat(greeting("127.0.96.70", SECOND, port, this)).startsWith("220 mx.test");
    }
    assertThat(greeting("127.0.96.70", SECOND, port, this))
        .isEqualTo("421 4.7.0 mx.test Error: too many connections from 127.0.96.70");

    String busy = null;
    for (int i = 0; i < 60 * 5 && busy == null; i++) {
      String reply = greeting("127.0.96." + (100 + i / 5), i % 2 == 0 ? FIRST : SECOND, port, this);
      if (!reply.startsWith("220")) {
        busy = reply;
      }
    }
    assertThat(busy).isEqualTo("421 4.3.2 All server ports are busy");

    postern.awaitLog(Pattern.compile("NOQUEUE: reject: CONNECT from \\[127\\.0\\.96\\.\\d+\\]:\\d+: "
        + "all server ports busy"), Duration.ofSeconds(30));
    String log = postern.maillogText();
    assertThat(log)
        .containsPattern("postern/master\\[\\d+\\]: warning: service \"" + port + "\"")
        .contains("warning: service \"" + port + "\" (" + port + ") has reached its process limit \""
            + MAXPROC + "\": new clients may experience noticeable delays")
        .contains("warning: to avoid this condition, increase the process count in master.cf or"
            + " reduce the service time per client")
        .contains("warning: see https://www.postfix.org/STRESS_README.html for examples of"
            + " stress-adapting configuration settings")
        .contains("warning: Connection concurrency limit exceeded: 6 from unknown[127.0.96.70]"
            + " for service smtp");
    assertThat(postern.logLines(Pattern.compile("has reached its process limit"))).hasSize(1);
  }
}
