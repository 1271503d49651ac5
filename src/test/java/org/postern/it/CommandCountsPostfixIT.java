package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command counters of smtpd's {@code disconnect from} line (and so the {@code command} label
 * of {@code postern_smtpd_commands_total}) against Postfix 3.12 (on 127.0.105.20): the same
 * dialogue from 127.0.105.21, with AUTH refused because SASL is off and a command no server
 * knows, must be counted alike, AUTH by its name, the other as {@code unknown}.
 */
class CommandCountsPostfixIT {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final String CLIENT = "127.0.105.21";
  private static final Pattern COUNTERS =
      Pattern.compile("disconnect from unknown\\[" + Pattern.quote(CLIENT) + "\\]( .*)");
  private static final List<String> DIALOGUE =
      List.of("EHLO client.test", "AUTH PLAIN AGFAYg==", "FOO", "NOOP", "QUIT");

  @TempDir static Path dir;
  private static Postfix312Instance postfix;
  private static PosternInstance postern;
  private static int postfixPort;

  @BeforeAll
  static void start() throws Exception {
    postfixPort = PosternInstance.freePort();
    postfix = Postfix312Instance.start(dir, dir.resolve("postfix"), "127.0.105.20", postfixPort,
        "mynetworks = 127.0.0.0/8\n");
    postern = PosternInstance.create(dir.resolve("postern"), "mynetworks = 127.0.0.0/8\n");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static void talk(InetAddress server, int port) throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom(CLIENT, server, port)) {
      assertThat(c.greeting()).startsWith("220");
      for (String command : DIALOGUE) {
        c.command(command);
      }
    }
  }

  private static String counters(Supplier<String> log) throws InterruptedException {
    String[] found = new String[1];
    boolean seen = Commands.await(LIMIT, () -> {
      Matcher m = COUNTERS.matcher(log.get());
      if (!m.find()) {
        return false;
      }
      found[0] = m.group(1);
      return true;
    });
    assertThat(seen).as("disconnect line in\n" + log.get()).isTrue();
    return found[0];
  }

  @Test
  void disconnect_refusedAuthAndUnknownCommand_countedAsPostfix312() throws Exception {
    talk(InetAddress.getByName("127.0.105.20"), postfixPort);
    talk(InetAddress.getByName("127.0.0.1"), postern.smtpPort());

    String expected = counters(postfix::log);

    assertThat(expected).isEqualTo(" ehlo=1 auth=0/1 noop=1 quit=1 unknown=0/1 commands=3/5");
    assertThat(counters(postern::maillogText)).isEqualTo(expected);
  }
}
