package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.it.RawDialogue.reply;
import static org.postern.it.RawDialogue.say;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * postscreen's cache across a restart, on 127.0.93.40 (listener) and 127.0.93.41 (client):
 * Postfix's default {@code postscreen_cache_map = btree:$data_directory/postscreen_cache} is kept
 * as an lmdb: file, a client that passed the pregreet test ({@code PASS NEW}) is {@code PASS OLD}
 * after {@code postern stop} and {@code postern start}, and again after a {@code postern reload}
 * that restarts postscreen; each start runs a cleanup that logs Postfix's statistics line (the
 * Postfix 3.12 peer logs the same line when its postscreen starts).
 */
class PostscreenCacheIT {
  private static final String POSTSCREEN = "127.0.93.40";
  private static final String CLIENT = "127.0.93.41";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), String.join("\n",
        "mynetworks = 127.0.0.1/32",
        "postscreen_greet_wait = 1s",
        "postscreen_greet_action = enforce",
        ""));
    postern.appendMasterCf(String.join("\n",
        POSTSCREEN + ":25 inet n - n - 1 postscreen",
        "smtpd pass - - n - - smtpd"));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void passNew_isPassOldAfterARestartAndAReload() throws Exception {
    String cache = dir.resolve("postern/lib/postscreen_cache").toString();
    log("postscreen\\[\\d+\\]: postscreen_cache_map: btree:" + Pattern.quote(cache)
        + " is kept as lmdb:" + Pattern.quote(cache));
    log("postscreen\\[\\d+\\]: cache btree:" + Pattern.quote(cache)
        + " full cleanup: retained=0 dropped=0 entries");
    try (Socket s = connect()) {
      assertThat(reply(s.getInputStream())).startsWith("220-").contains("\r\n220 ");
      assertThat(say(s, "QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
    }
    log("postscreen\\[\\d+\\]: PASS NEW \\[127\\.0\\.93\\.41\\]:\\d+");

    postern.stop();
    assertThat(Path.of(cache + ".lmdb")).isRegularFile();
    postern.startAndAwaitSmtp();

    Pattern retained = Pattern.compile("postscreen\\[\\d+\\]: cache btree:" + Pattern.quote(cache)
        + " full cleanup: retained=1 dropped=0 entries");
    awaitCount(retained, 1);
    passOld(1);

    // A main.cf change makes the reload start a new postscreen on the same file.
    postern.postconf("postscreen_greet_wait=2s");
    assertThat(postern.command("postern", "reload").status()).isZero();
    awaitCount(retained, 2);
    passOld(2);
  }

  private static void passOld(int times) throws Exception {
    try (Socket s = connect()) {
      assertThat(reply(s.getInputStream())).startsWith("220 ").doesNotContain("220-");
      assertThat(say(s, "QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
    }
    awaitCount(Pattern.compile("postscreen\\[\\d+\\]: PASS OLD \\[127\\.0\\.93\\.41\\]:\\d+"),
        times);
  }

  private static void awaitCount(Pattern line, int times) throws InterruptedException {
    assertThat(Commands.await(LIMIT, () -> line.matcher(postern.maillogText()).results().count()
        >= times)).as(line + " " + times + " times in\n" + postern.maillogText()).isTrue();
  }

  private static Socket connect() throws IOException {
    return RawDialogue.connect(CLIENT, POSTSCREEN);
  }

  private static String log(String regex) throws InterruptedException {
    return postern.awaitLog(Pattern.compile(regex), LIMIT);
  }
}
