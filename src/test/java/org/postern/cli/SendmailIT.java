package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.pickup.Pickup;
import org.postern.pickup.PickupLog;
import org.postern.pickup.PickupSettings;
import org.postern.pickup.RecordingSink;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** bin/sendmail through the launcher, as a local program runs it. */
class SendmailIT {
  @TempDir Path base;

  private record Result(int status, String stderr) {}

  private Path config(Path queueDirectory) throws IOException {
    Path config = Files.createDirectories(base.resolve("etc"));
    Files.writeString(config.resolve("main.cf"), "queue_directory = " + queueDirectory + "\n");
    return config;
  }

  private Result sendmail(Path stdin, String... args) throws Exception {
    Path launcher = Path.of(System.getProperty("postern.home", "."), "bin", "sendmail");
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    Path stderr = base.resolve("stderr");
    Process p = new ProcessBuilder(command).redirectInput(stdin.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), Files.readString(stderr));
  }

  private Path message() throws IOException {
    return Files.writeString(base.resolve("msg"), "Subject: secret\r\n\r\nhello\r\n",
        StandardCharsets.UTF_8);
  }

  @Test
  void sendmail_requireTlsOption_marksMaildropFileWithDaemonDown() throws Exception {
    Queues queues = Queues.at(base.resolve("spool"));
    Path config = config(queues.root());

    Result r = sendmail(message(), "-c", config.toString(), "-O", "RequireTLS=YES",
        "-f", "a@example.com", "b@example.org");

    assertThat(r.status()).as(r.stderr()).isZero();
    List<Queues.Located> files = queues.list(QueueName.MAILDROP);
    assertThat(files).hasSize(1);
    QueueFile f = QueueFileReader.read(files.get(0).path());
    assertThat(f.envelope().requireTls()).isTrue();
    assertThat(f.envelope().sender()).isEqualTo("a@example.com");
    assertThat(f.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("b@example.org");
    assertThat(f.envelope().attributes()).containsEntry("rewrite_context", "local");
  }

  @Test
  void sendmail_withPickupRunning_isPickedUpWithinASecond() throws Exception {
    Queues queues = Queues.at(base.resolve("spool"));
    Path config = config(queues.root());
    RecordingSink sink = new RecordingSink();
    PickupLog quiet = new PickupLog() {
      @Override
      public void info(String message) {}

      @Override
      public void warning(String message) {}
    };
    Pickup pickup = new Pickup(queues, sink, new PickupSettings("mx", "Postern", "postfix"),
        quiet, Clock.systemUTC());
    pickup.start();
    try {
      Result r = sendmail(message(), "-c", config.toString(), "-f", "a@example.com",
          "b@example.org");
      assertThat(r.status()).as(r.stderr()).isZero();

      RecordingSink.Received got = sink.commits().poll(1, TimeUnit.SECONDS);
      assertThat(got).isNotNull();
      assertThat(got.envelope().sender()).isEqualTo("a@example.com");
      assertThat(got.content()).startsWith("Received: by mx (Postern, from userid ")
          .endsWith("Subject: secret\n\nhello\n");
    } finally {
      pickup.stop();
    }
  }

  @Test
  void sendmail_unknownFlag_exitsUsage() throws Exception {
    Path config = config(base.resolve("spool"));

    Result r = sendmail(message(), "-c", config.toString(), "-Z");

    assertThat(r.status()).isEqualTo(Sysexits.EX_USAGE);
    assertThat(r.stderr()).startsWith("sendmail: fatal: invalid option -- 'Z'");
  }
}
