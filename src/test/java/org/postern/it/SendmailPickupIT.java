package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local submission while the mail system is down: {@code bin/sendmail} leaves the message in
 * maildrop/, and pickup moves it through cleanup into incoming/ once {@code bin/postern start}
 * runs, keeping the REQUIRETLS request made with {@code -O requiretls=yes}.
 */
class SendmailPickupIT {
  @TempDir Path dir;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void sendmail_daemonStopped_maildropThenIncomingAfterStart() throws Exception {
    postern = PosternInstance.createReceiveOnly(dir, "myhostname = mx.test\nmydestination = mx.test\n");
    byte[] message =
        "Subject: picked up later\nFrom: a@example.com\n\nwritten while Postern was down\n"
            .getBytes(StandardCharsets.US_ASCII);

    PosternInstance.Result submitted =
        postern.commandWithInput(message, "sendmail", "-O", "requiretls=yes", "-f", "a@example.com", "root@mx.test");

    assertThat(submitted.status()).as(submitted.err()).isZero();
    List<Path> maildrop = postern.queueFiles("maildrop");
    assertThat(maildrop).hasSize(1);
    assertThat(postern.queueFiles("incoming")).isEmpty();

    postern.start();
    boolean moved =
        Commands.await(
            Duration.ofSeconds(10),
            () -> postern.queueFilesQuietly("maildrop").isEmpty()
                && postern.queueFilesQuietly("incoming").size() == 1);

    assertThat(moved)
        .as("maildrop " + postern.queueFilesQuietly("maildrop") + ", incoming " + postern.queueFilesQuietly("incoming"))
        .isTrue();
    Set<String> incoming = postern.queueIds("incoming");
    String cat = postern.postcat(incoming.iterator().next());
    assertThat(cat)
        .contains("requiretls: yes\n")
        .contains("sender: a@example.com\n")
        .contains("recipient: root@mx.test\n")
        .contains("Subject: picked up later\n")
        .contains("Require-TLS-ESMTP: yes\n")
        .contains("written while Postern was down\n");
  }
}
