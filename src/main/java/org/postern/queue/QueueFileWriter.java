package org.postern.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes one queue file: envelope, streamed content, extracted envelope, end marker. The file is
 * written in {@code tmp/} and becomes a message only in {@link #commit}: fsync the file, rename it
 * into the target queue, fsync that directory. Only after commit returns may smtpd answer 250;
 * a crash at any earlier instant leaves at most a file in tmp/, which no queue ever reads and
 * postsuper -p removes. A writer made with {@link #createInMaildrop} (sendmail, which an ordinary
 * user runs) writes in maildrop itself under a temporary name instead, since tmp/ is the mail
 * system's own; pickup ignores that name and removes it when it is a day old.
 *
 * <pre>
 * try (QueueFileWriter w = QueueFileWriter.create(queues, clock)) {
 *   w.writeEnvelope(envelope);
 *   w.content().write(bytes);            // as often as needed
 *   w.commit(QueueName.INCOMING, extracted);
 * }                                      // close() without commit removes the temporary file
 * </pre>
 *
 * <p>Failure: I/O errors propagate; a value that cannot be stored (a line break or NUL in an
 * address, an unknown attribute name) is an IllegalArgumentException before anything is written.
 * Not thread-safe: one writer per message.
 */
public final class QueueFileWriter implements AutoCloseable {
  private enum State {
    NEW,
    CONTENT,
    COMMITTED,
    CLOSED
  }

  private final Queues queues;
  private final QueueName writtenIn;
  private final Path temporary;
  private final FileChannel channel;
  private final RecordOutput records;
  private final Instant arrivalTime;
  private final QueueId id;
  private ContentOutput content;
  private long contentOffset;
  private int recipientCount;
  private State state = State.NEW;

  private QueueFileWriter(Queues queues, QueueName writtenIn, Queues.NewFile temporary,
      Instant arrival) {
    this.queues = queues;
    this.writtenIn = writtenIn;
    this.temporary = temporary.path();
    this.channel = temporary.channel();
    this.records = new RecordOutput(channel);
    this.arrivalTime = arrival;
    this.id = QueueId.forFile(arrival, temporary.inode());
  }

  /** Starts a queue file that arrives now; its queue id is fixed from here on. */
  public static QueueFileWriter create(Queues queues, Clock clock) throws IOException {
    return open(queues, QueueName.TMP, queues.createTemporaryFile(), clock);
  }

  /**
   * Starts a queue file for maildrop written in maildrop itself, for sendmail run by any user:
   * only maildrop is writable by everyone. It can be committed to maildrop only.
   */
  public static QueueFileWriter createInMaildrop(Queues queues, Clock clock) throws IOException {
    return open(queues, QueueName.MAILDROP, queues.createMaildropTemporaryFile(), clock);
  }

  private static QueueFileWriter open(Queues queues, QueueName writtenIn,
      Queues.NewFile temporary, Clock clock) throws IOException {
    try {
      return new QueueFileWriter(queues, writtenIn, temporary, clock.instant());
    } catch (RuntimeException e) {
      temporary.channel().close();
      Files.deleteIfExists(temporary.path());
      throw e;
    }
  }

  public QueueId id() {
    return id;
  }

  public Instant arrivalTime() {
    return arrivalTime;
  }

  /** Writes the envelope segment; must come first and once. */
  public void writeEnvelope(Envelope envelope) throws IOException {
    expect(State.NEW, "writeEnvelope");
    EnvelopeWriter.check(envelope);
    records.write(RecordType.SIZE, RecordFormat.sizeData(0, 0, 0, 0));
    records.write(RecordType.TIME, RecordFormat.timeData(arrivalTime));
    EnvelopeWriter.write(records, envelope);
    recipientCount = envelope.recipients().size();
    records.write(RecordType.MESSAGE, new byte[0]);
    contentOffset = records.position();
    content = new ContentOutput(records);
    state = State.CONTENT;
  }

  /** The content stream (header, empty line, body), line ends normalised as ContentOutput says. */
  public OutputStream content() {
    expect(State.CONTENT, "content");
    return content;
  }

  /** The message size so far, CRLF line ends counted, for message_size_limit checks. */
  public long messageSize() {
    return content == null ? 0 : content.messageSize();
  }

  /**
   * Completes the file and moves it into {@code target} (incoming, maildrop or hold): end of
   * content, extracted segment, end marker, SIZE record updated in place, fsync, rename, fsync of
   * the directory. Returns the committed file's path.
   */
  public Path commit(QueueName target, ExtractedEnvelope extracted) throws IOException {
    expect(State.CONTENT, "commit");
    if (target != QueueName.INCOMING && target != QueueName.MAILDROP && target != QueueName.HOLD) {
      throw new IllegalArgumentException("cannot commit a new queue file into " + target);
    }
    if (writtenIn == QueueName.MAILDROP && target != QueueName.MAILDROP) {
      throw new IllegalArgumentException("a file written in maildrop stays in maildrop, not "
          + target);
    }
    for (Recipient r : extracted.recipients()) {
      EnvelopeWriter.checkRecipient(r);
    }
    content.finish();
    long extractedOffset = records.position();
    records.write(RecordType.EXTRACTED, new byte[0]);
    for (Recipient r : extracted.recipients()) {
      EnvelopeWriter.writeRecipient(records, r);
    }
    if (extracted.tlsRequiredNo()) {
      records.write(RecordType.TLS_REQUIRED, RecordFormat.NO);
    }
    records.write(RecordType.END, new byte[0]);
    records.flush();
    int rcpts = recipientCount + extracted.recipients().size();
    byte[] size = RecordFormat.sizeData(content.messageSize(), contentOffset, extractedOffset, rcpts);
    channel.write(ByteBuffer.wrap(size), RecordFormat.HEADER_LENGTH);
    channel.force(true);
    channel.close();
    Path path = queues.path(target, id);
    queues.prepare(target, id);
    if (Files.exists(path)) {
      throw new FileAlreadyExistsException(path.toString(), null, "queue id in use");
    }
    Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
    state = State.COMMITTED;
    if (writtenIn == QueueName.MAILDROP) {
      Queues.syncDirectoryIfReadable(path.getParent());
    } else {
      Queues.syncDirectory(path.getParent());
    }
    return path;
  }

  private void expect(State wanted, String operation) {
    if (state != wanted) {
      throw new IllegalStateException(id + ": " + operation + " in state " + state);
    }
  }

  /** Abandons an uncommitted file: it is removed from tmp/ (or maildrop). After commit, does nothing. */
  @Override
  public void close() throws IOException {
    if (state == State.COMMITTED || state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Writes and checks envelope records; shared by both envelope segments. */
  private static final class EnvelopeWriter {
    private EnvelopeWriter() {}

    static void check(Envelope e) {
      checkText("sender", e.sender());
      e.envid().ifPresent(v -> checkText("dsn_envid", v));
      checkText("client_name", e.client().name());
      checkText("client_address", e.client().address());
      checkText("helo_name", e.client().helo());
      checkText("protocol_name", e.client().protocol());
      checkText("tls_protocol", e.client().tlsProtocol());
      checkText("tls_cipher", e.client().tlsCipher());
      for (Map.Entry<String, String> a : e.attributes().entrySet()) {
        if (!a.getKey().matches("[a-z0-9_]+")) {
          throw new IllegalArgumentException("bad attribute name: " + a.getKey());
        }
        checkText(a.getKey(), a.getValue());
      }
      for (Recipient r : e.recipients()) {
        checkRecipient(r);
      }
    }

    static void checkRecipient(Recipient r) {
      checkText("recipient", r.address());
      r.originalRecipient().ifPresent(v -> checkText("original_recipient", v));
      r.dsnOrcpt().ifPresent(v -> checkText("dsn_orig_rcpt", v));
    }

    private static void checkText(String what, String value) {
      if (!TextCheck.isStorable(value)) {
        throw new IllegalArgumentException(what + ": line break, NUL or oversize value: " + value);
      }
    }

    static void write(RecordOutput out, Envelope e) throws IOException {
      out.write(RecordType.SENDER, e.sender());
      ClientFacts c = e.client();
      attribute(out, Attributes.CLIENT_NAME, c.name());
      attribute(out, Attributes.CLIENT_ADDRESS, c.address());
      attribute(out, Attributes.HELO_NAME, c.helo());
      attribute(out, Attributes.PROTOCOL_NAME, c.protocol());
      attribute(out, Attributes.TLS_PROTOCOL, c.tlsProtocol());
      attribute(out, Attributes.TLS_CIPHER, c.tlsCipher());
      attribute(out, Attributes.DSN_ENVID, e.envid().orElse(""));
      attribute(out, Attributes.DSN_RET, e.dsnRet().map(DsnRet::name).orElse(""));
      attribute(out, Attributes.BODY_TYPE, e.bodyType().map(BodyType::keyword).orElse(""));
      for (Map.Entry<String, String> a : e.attributes().entrySet()) {
        attribute(out, a.getKey(), a.getValue());
      }
      if (e.requireTls()) {
        out.write(RecordType.REQUIRETLS, RecordFormat.YES);
      }
      if (e.smtputf8()) {
        out.write(RecordType.SMTPUTF8, RecordFormat.YES);
      }
      for (Recipient r : e.recipients()) {
        writeRecipient(out, r);
      }
    }

    private static void attribute(RecordOutput out, String name, String value) throws IOException {
      if (!value.isEmpty()) {
        out.write(RecordType.ATTRIBUTE, name + "=" + value);
      }
    }

    static void writeRecipient(RecordOutput out, Recipient r) throws IOException {
      if (r.originalRecipient().isPresent()) {
        out.write(RecordType.ORIGINAL_RECIPIENT, r.originalRecipient().get());
      }
      if (r.dsnOrcpt().isPresent()) {
        out.write(RecordType.DSN_ORCPT, r.dsnOrcpt().get());
      }
      if (!r.notifyFlags().isEmpty()) {
        List<String> names = r.notifyFlags().stream().sorted().map(DsnNotify::name).toList();
        out.write(RecordType.DSN_NOTIFY, String.join(",", names));
      }
      out.write(r.done() ? RecordType.DONE_RECIPIENT : RecordType.RECIPIENT, r.address());
    }
  }
}
