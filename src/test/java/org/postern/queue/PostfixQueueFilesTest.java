package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostfixQueueFilesTest {
  /** Real files: one from Postfix 3.12's cleanup (deferred), one from its postdrop (maildrop). */
  private static final String DEFERRED = "/org/postern/cli/postfix-3.12-deferred-EF3FC218081";
  private static final String MAILDROP = "/org/postern/cli/postfix-3.12-maildrop-D9B412182D7";

  @TempDir Path dir;

  private Queues queues() throws IOException {
    Queues queues = Queues.at(dir.resolve("spool"));
    queues.createDirectories();
    return queues;
  }

  private Path put(Path file, String resource) throws IOException {
    Files.createDirectories(file.getParent());
    try (InputStream in = PostfixQueueFilesTest.class.getResourceAsStream(resource)) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  @Test
  void find_postfixFilesAmongPosternOnes_onlyPostfixOnes() throws IOException {
    Queues queues = queues();
    QueueFileTestSupport.simple(queues, "a@example.com");
    Path deferred = put(dir.resolve("spool/deferred/E/EF3FC218081"), DEFERRED);
    Path maildrop = put(dir.resolve("spool/maildrop/D9B412182D7"), MAILDROP);
    Files.writeString(dir.resolve("spool/hold/ABCDEF123"), "Cnot digits at all");

    assertThat(PostfixQueueFiles.find(queues)).containsExactlyInAnyOrder(deferred, maildrop);
    assertThat(PostfixQueueFiles.refusal(queues)).hasValueSatisfying(r -> assertThat(r)
        .startsWith("queue_directory " + queues.root() + " holds 2 Postfix queue files (")
        .contains(", ...), which Postern cannot read"));
  }

  @Test
  void refusal_posternQueueOnly_none() throws IOException {
    Queues queues = queues();
    QueueFileTestSupport.simple(queues, "a@example.com");
    Path file = QueueFileTestSupport.simple(queues, "b@example.com");
    queues.move(QueueId.of(file.getFileName().toString()), QueueName.INCOMING, QueueName.DEFERRED);

    assertThat(PostfixQueueFiles.refusal(queues)).isEmpty();
  }
}
