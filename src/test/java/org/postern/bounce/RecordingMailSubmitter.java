package org.postern.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.postern.deliver.MailSubmitter;
import org.postern.queue.Envelope;
import org.postern.queue.QueueId;

/** Keeps every submitted message (kind, envelope, content) and answers with made-up queue ids. */
final class RecordingMailSubmitter implements MailSubmitter {
  record Submitted(Kind kind, Envelope envelope, byte[] content, QueueId id) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  final List<Submitted> submitted = new ArrayList<>();

  @Override
  public QueueId submit(Kind kind, Envelope envelope, Content content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    content.writeTo(out);
    QueueId id = QueueId.of(String.format("BB%04X", submitted.size() + 1));
    submitted.add(new Submitted(kind, envelope, out.toByteArray(), id));
    return id;
  }

  Submitted only() {
    if (submitted.size() != 1) {
      throw new AssertionError("expected one submitted message, got " + submitted.size());
    }
    return submitted.get(0);
  }
}
