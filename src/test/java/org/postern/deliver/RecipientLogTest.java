package org.postern.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.DsnNotify;
import org.postern.queue.QueueId;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

class RecipientLogTest {
  @TempDir Path dir;

  private static final QueueId ID = QueueId.of("3F2A41C0B2D");

  @Test
  void appendThenRead_roundTripsEveryFieldWithAwkwardText() throws Exception {
    RecipientLog log = RecipientLog.bounce(Queues.at(dir));
    Recipient r =
        new Recipient("u@example.com", Optional.of("alias@example.com"),
            Optional.of("rfc822;alias@example.com"), Set.of(DsnNotify.FAILURE, DsnNotify.DELAY),
            false, 1234);
    RecipientResult result =
        RecipientResult.bounced(r, "5.1.1", "mx.example[192.0.2.1]:25", "host said:\t550\nno\\such")
            .withDiagnostic("smtp; 550 5.1.1 no such user");

    log.append(ID, RecipientLog.Entry.of(result));
    log.append(ID, RecipientLog.Entry.of(RecipientResult.bounced(Recipient.of("b@x"), "5.0.0", "none", "x")));

    assertThat(log.read(ID)).hasSize(2);
    RecipientLog.Entry e = log.read(ID).get(0);
    assertThat(e).isEqualTo(RecipientLog.Entry.of(result));
    assertThat(e.text()).isEqualTo("host said:\t550\nno\\such");
    assertThat(e.notifyFlags()).containsExactlyInAnyOrder(DsnNotify.FAILURE, DsnNotify.DELAY);
  }

  @Test
  void read_tornLastLine_isIgnored() throws Exception {
    RecipientLog log = RecipientLog.defer(Queues.at(dir));
    log.append(ID, RecipientLog.Entry.of(RecipientResult.deferred(Recipient.of("a@x"), "4.4.1", "none", "timeout")));
    Files.writeString(log.path(ID), "recipient=b@x\toffset=", java.nio.file.StandardOpenOption.APPEND);

    assertThat(log.read(ID)).extracting(RecipientLog.Entry::recipient).containsExactly("a@x");
  }

  @Test
  void read_noLog_isEmpty_andDeleteRemoves() throws Exception {
    RecipientLog log = RecipientLog.trace(Queues.at(dir));
    assertThat(log.read(ID)).isEmpty();
    log.append(ID, RecipientLog.Entry.of(RecipientResult.sent(Recipient.of("a@x"), "2.0.0", "local", "delivered")));
    log.delete(ID);
    assertThat(Files.exists(log.path(ID))).isFalse();
  }
}
