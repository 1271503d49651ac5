package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.pickup.PickupTrigger;
import org.postern.qmgr.QmgrTrigger;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;

/** postqueue's flush requests against recording listeners on public/qmgr and public/pickup. */
class PostqueueIT {
  @TempDir Path base;
  private PostqueueFixture f;
  private RecordingListener qmgr;
  private RecordingListener pickup;

  @BeforeEach
  void setUp() throws Exception {
    f = new PostqueueFixture(base);
    qmgr = RecordingListener.open(QmgrTrigger.socket(f.queues));
    pickup = RecordingListener.open(PickupTrigger.socket(f.queues));
  }

  @AfterEach
  void tearDown() throws Exception {
    qmgr.close();
    pickup.close();
  }

  @Test
  void flush_running_sendsFlushLettersAndWakesPickup() throws Exception {
    int status = f.run("-f");

    assertThat(status).isZero();
    assertThat(qmgr.awaitRequests(1)).containsExactly("FADI");
    assertThat(pickup.awaitRequests(1)).containsExactly("W");
    assertThat(f.err()).isEmpty();
  }

  @Test
  void flushFile_deferred_touchesMovesToIncomingAndWakesQmgr() throws Exception {
    QueueId id = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "s@example.org",
        "r@example.com");
    QueueId other = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "s@example.org",
        "r@example.com");
    Files.setLastModifiedTime(f.queues.path(QueueName.DEFERRED, id),
        FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));

    int status = f.run("-i", id.value());

    assertThat(status).isZero();
    Path moved = f.queues.path(QueueName.INCOMING, id);
    assertThat(moved).exists();
    assertThat(f.queues.path(QueueName.DEFERRED, id)).doesNotExist();
    assertThat(Files.getLastModifiedTime(moved).toInstant()).isEqualTo(f.now);
    assertThat(f.queues.path(QueueName.DEFERRED, other)).exists();
    assertThat(qmgr.awaitRequests(2)).containsExactly("F", "I");
  }

  @Test
  void flushFile_unknownId_succeedsWithoutScan() throws Exception {
    int status = f.run("-i", "ABCDEF123");

    assertThat(status).isZero();
    assertThat(qmgr.awaitRequests(1)).containsExactly("F");
  }

  @Test
  void flushSite_domain_movesOnlyMessagesWithPendingRecipientThere() throws Exception {
    QueueId match = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "s@example.org",
        "a@other.example", "b@Example.COM");
    QueueId doneThere = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "s@example.org",
        "a@other.example", "b@example.com");
    f.done(QueueName.DEFERRED, doneThere, "b@example.com");
    QueueId elsewhere = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "s@example.com",
        "a@other.example");

    int status = f.run("-s", "example.com");

    assertThat(status).isZero();
    assertThat(f.queues.path(QueueName.INCOMING, match)).exists();
    assertThat(f.queues.path(QueueName.DEFERRED, doneThere)).exists();
    assertThat(f.queues.path(QueueName.DEFERRED, elsewhere)).exists();
    assertThat(qmgr.awaitRequests(2)).containsExactly("F", "I");
  }

  /** A UNIX-domain listener that records what each connection writes. */
  private static final class RecordingListener {
    private final ServerSocketChannel server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private RecordingListener(ServerSocketChannel server) {
      this.server = server;
      this.thread = Thread.ofVirtual().start(this::accept);
    }

    static RecordingListener open(Path socket) throws IOException {
      Files.createDirectories(socket.getParent());
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      s.bind(UnixDomainSocketAddress.of(socket));
      return new RecordingListener(s);
    }

    private void accept() {
      while (server.isOpen()) {
        try (SocketChannel c = server.accept()) {
          ByteBuffer buffer = ByteBuffer.allocate(64);
          while (c.read(buffer) >= 0 && buffer.hasRemaining()) {
            // the client closes after its request bytes
          }
          buffer.flip();
          requests.add(StandardCharsets.US_ASCII.decode(buffer).toString());
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    /** The requests once {@code n} connections have been recorded (or after five seconds). */
    List<String> awaitRequests(int n) throws InterruptedException {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (requests.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(50); // room for an unexpected extra request to show up
      return List.copyOf(requests);
    }

    void close() throws IOException, InterruptedException {
      server.close();
      thread.join();
    }
  }
}
