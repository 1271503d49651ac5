package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFileMarkerTest {
  @TempDir Path root;

  @Test
  void markDone_survivesReopen_onlyThatRecipient() throws Exception {
    Path file = QueueFileTestSupport.simple(Queues.at(root), "a@x", "b@x", "c@x");
    long size = Files.size(file);
    Recipient b = QueueFileReader.read(file).recipients().get(1);

    QueueFileMarker.markDone(file, b);

    QueueFile again = QueueFileReader.read(file);
    assertThat(again.recipients()).extracting(Recipient::done).containsExactly(false, true, false);
    assertThat(again.pendingRecipients()).extracting(Recipient::address)
        .containsExactly("a@x", "c@x");
    assertThat(Files.size(file)).isEqualTo(size);
  }

  @Test
  void markDone_twice_idempotent() throws Exception {
    Path file = QueueFileTestSupport.simple(Queues.at(root), "a@x");
    Recipient a = QueueFileReader.read(file).recipients().get(0);

    QueueFileMarker.markDone(file, a);
    QueueFileMarker.markDone(file, QueueFileReader.read(file).recipients().get(0));

    assertThat(QueueFileReader.read(file).recipients().get(0).done()).isTrue();
  }

  @Test
  void markDone_afterMoveToDeferred_stillDone() throws Exception {
    Queues queues = Queues.at(root);
    Path file = QueueFileTestSupport.simple(queues, "a@x", "b@x");
    QueueId id = QueueFileReader.read(file).id().orElseThrow();
    queues.move(id, QueueName.INCOMING, QueueName.ACTIVE);
    Path active = queues.path(QueueName.ACTIVE, id);
    QueueFileMarker.markDone(active, QueueFileReader.read(active).recipients().get(0));
    queues.move(id, QueueName.ACTIVE, QueueName.DEFERRED);

    QueueFile deferred = QueueFileReader.read(queues.path(QueueName.DEFERRED, id));

    assertThat(deferred.pendingRecipients()).extracting(Recipient::address).containsExactly("b@x");
  }

  @Test
  void markDone_wrongOffset_refusedWithoutWriting() throws Exception {
    Path file = QueueFileTestSupport.simple(Queues.at(root), "a@x");
    Recipient a = QueueFileReader.read(file).recipients().get(0);
    Recipient wrong = new Recipient(a.address(), a.originalRecipient(), a.dsnOrcpt(),
        a.notifyFlags(), false, a.offset() - 1);
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> QueueFileMarker.markDone(file, wrong))
        .isInstanceOf(CorruptQueueFileException.class)
        .hasMessageContaining("no recipient record for a@x");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }
}
