package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFileReaderTest {
  @TempDir Path root;

  private Path committed() throws Exception {
    return QueueFileTestSupport.simple(Queues.at(root), "a@example.com", "b@example.com");
  }

  private static void truncate(Path file, long length) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  @Test
  void open_noEndMarker_corruptIncomplete() throws Exception {
    Path file = committed();
    truncate(file, Files.size(file) - 5); // drop the END record exactly

    assertThatThrownBy(() -> QueueFileReader.read(file))
        .isInstanceOf(CorruptQueueFileException.class)
        .hasMessageContaining("no end marker (incomplete queue file)");
  }

  @Test
  void open_truncatedInsideLastRecord_corruptTruncatedRecord() throws Exception {
    Path file = committed();
    truncate(file, Files.size(file) - 2);

    assertThatThrownBy(() -> QueueFileReader.read(file))
        .isInstanceOf(CorruptQueueFileException.class)
        .hasMessageContaining("truncated record: type E header ends early");
  }

  @Test
  void open_truncatedInsideEnvelope_corruptWithOffset() throws Exception {
    Path file = committed();
    truncate(file, 90);

    assertThatThrownBy(() -> QueueFileReader.read(file))
        .isInstanceOf(CorruptQueueFileException.class)
        .hasMessageContaining("offset 90: file ends before extracted segment");
  }

  @Test
  void forEachRecord_recordDataCut_reportsWantedAndPresentBytes() throws Exception {
    Path file = committed();
    long rcpt = QueueFileReader.read(file).recipients().get(0).offset();
    truncate(file, rcpt + 7);

    assertThatThrownBy(() -> {
      try (var in = Files.newInputStream(file)) {
        QueueFileReader.forEachRecord(in, file, r -> {});
      }
    }).isInstanceOf(CorruptQueueFileException.class)
        .hasMessageContaining("offset " + rcpt + ": truncated record: type R wants 13 bytes, 2 present");
  }

  @Test
  void open_notAQueueFile_says() throws Exception {
    Path file = root.resolve("junk");
    Files.writeString(file, "From: someone\n\nnot a queue file\n");

    assertThatThrownBy(() -> QueueFileReader.read(file))
        .isInstanceOf(CorruptQueueFileException.class)
        .hasMessageContaining("offset 0: input is not a valid queue file");
  }

  @Test
  void readContent_foreignRecordInContent_corrupt() throws Exception {
    Path file = committed();
    QueueFile q = QueueFileReader.read(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(q.contentOffset());
      f.write('S'); // a sender record where a line belongs
    }

    assertThatThrownBy(() -> QueueFileReader.read(file))
        .isInstanceOf(CorruptQueueFileException.class)
        .hasMessageContaining("offset " + q.contentOffset() + ": record type S in content");
  }

  @Test
  void readOrSaveCorrupt_corruptFile_movedToCorruptQueue() throws Exception {
    Queues queues = Queues.at(root);
    Path file = committed();
    truncate(file, Files.size(file) - 5);
    Queues.Located located = queues.list(QueueName.INCOMING).get(0);

    assertThat(QueueFileReader.readOrSaveCorrupt(queues, located)).isEmpty();

    assertThat(file).doesNotExist();
    assertThat(queues.path(QueueName.CORRUPT, located.id())).exists();
  }

  @Test
  void readOrSaveCorrupt_goodFile_read() throws Exception {
    Queues queues = Queues.at(root);
    committed();
    Queues.Located located = queues.list(QueueName.INCOMING).get(0);

    assertThat(QueueFileReader.readOrSaveCorrupt(queues, located))
        .hasValueSatisfying(q -> assertThat(q.recipients()).hasSize(2));
  }

  @Test
  void forEachRecord_fileOrder_startsWithSizeEndsWithEnd() throws Exception {
    Path file = committed();
    List<RecordType> types = new java.util.ArrayList<>();
    try (var in = Files.newInputStream(file)) {
      QueueFileReader.forEachRecord(in, file, r -> types.add(r.type()));
    }

    assertThat(types).startsWith(RecordType.SIZE, RecordType.TIME, RecordType.SENDER)
        .contains(RecordType.MESSAGE, RecordType.NORMAL, RecordType.EXTRACTED)
        .endsWith(RecordType.END);
  }
}
