package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random corruption of a good queue file (bytes flipped, truncated, spliced, extended): the
 * reader accepts the file or raises {@link CorruptQueueFileException} naming it, never anything
 * else, and a corrupt file found in a queue is moved to {@code corrupt/}. A failure prints the seed
 * and the iteration, so that it can be replayed.
 */
class QueueFileReaderFuzzTest {
  private static final long SEED = 0x5057_4552_4e21L;
  private static final int ROUNDS = 3000;

  @TempDir Path root;

  private byte[] goodFile() throws Exception {
    Path file = QueueFileTestSupport.commit(
        Queues.at(root.resolve("source")),
        Envelope.of("sender@example.org", java.util.List.of(
            Recipient.of("a@example.com"), Recipient.of("b@example.com"))),
        "Subject: fuzz\r\nX-Long: " + "x".repeat(300) + "\r\n\r\nbody\r\n.\r\n\r\nend\r\n",
        QueueName.INCOMING,
        ExtractedEnvelope.NONE);
    return Files.readAllBytes(file);
  }

  @Test
  void read_randomCorruption_acceptsOrRaisesCorruptNamingTheFile() throws Exception {
    byte[] good = goodFile();
    Random random = new Random(SEED);
    Path file = root.resolve("fuzzed");
    int corrupt = 0;
    for (int i = 0; i < ROUNDS; i++) {
      byte[] bad = mutate(good, random);
      Files.write(file, bad);
      try {
        QueueFileReader.read(file);
      } catch (CorruptQueueFileException e) {
        corrupt++;
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.getMessage()).startsWith(file + ": offset ");
      } catch (Throwable t) {
        fail("seed " + SEED + " round " + i + ": " + t + " for " + Arrays.toString(bad), t);
      }
    }
    assertThat(corrupt).as("most mutations break the file").isGreaterThan(ROUNDS / 2);
  }

  @Test
  void forEachRecord_randomCorruption_raisesOnlyCorrupt() throws Exception {
    byte[] good = goodFile();
    Random random = new Random(SEED + 1);
    Path name = Path.of("stdin");
    for (int i = 0; i < ROUNDS; i++) {
      byte[] bad = mutate(good, random);
      try {
        QueueFileReader.forEachRecord(new ByteArrayInputStream(bad), name, r -> {});
      } catch (CorruptQueueFileException e) {
        assertThat(e.file()).isEqualTo(name);
      } catch (Throwable t) {
        fail("seed " + (SEED + 1) + " round " + i + ": " + t, t);
      }
    }
  }

  @Test
  void readOrSaveCorrupt_randomCorruption_movesEveryCorruptFileAside() throws Exception {
    byte[] good = goodFile();
    Random random = new Random(SEED + 2);
    Queues queues = Queues.at(root.resolve("spool"));
    QueueFileTestSupport.simple(queues, "a@example.com");
    Queues.Located located = queues.list(QueueName.INCOMING).get(0);
    Path corruptPath = queues.path(QueueName.CORRUPT, located.id());
    for (int i = 0; i < 300; i++) {
      Files.write(located.path(), mutate(good, random));

      boolean read = QueueFileReader.readOrSaveCorrupt(queues, located).isPresent();

      assertThat(Files.exists(located.path())).as("round " + i).isEqualTo(read);
      assertThat(Files.exists(corruptPath)).as("round " + i).isEqualTo(!read);
      Files.deleteIfExists(corruptPath);
    }
  }

  /** One to three random damages: flipped bytes, a cut, a duplicated or dropped slice, junk. */
  static byte[] mutate(byte[] good, Random random) {
    byte[] b = good.clone();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      b = switch (random.nextInt(5)) {
        case 0 -> flip(b, random);
        case 1 -> Arrays.copyOf(b, random.nextInt(b.length + 1));
        case 2 -> drop(b, random);
        case 3 -> duplicate(b, random);
        default -> append(b, random);
      };
    }
    return b;
  }

  private static byte[] flip(byte[] b, Random random) {
    if (b.length > 0) {
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    }
    return b;
  }

  private static byte[] drop(byte[] b, Random random) {
    if (b.length == 0) {
      return b;
    }
    int from = random.nextInt(b.length);
    int to = Math.min(b.length, from + 1 + random.nextInt(16));
    byte[] out = new byte[b.length - (to - from)];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(b, to, out, from, b.length - to);
    return out;
  }

  private static byte[] duplicate(byte[] b, Random random) {
    if (b.length == 0) {
      return b;
    }
    int from = random.nextInt(b.length);
    int len = Math.min(b.length - from, 1 + random.nextInt(16));
    byte[] out = new byte[b.length + len];
    System.arraycopy(b, 0, out, 0, from + len);
    System.arraycopy(b, from, out, from + len, b.length - from);
    return out;
  }

  private static byte[] append(byte[] b, Random random) {
    byte[] junk = new byte[1 + random.nextInt(8)];
    random.nextBytes(junk);
    byte[] out = Arrays.copyOf(b, b.length + junk.length);
    System.arraycopy(junk, 0, out, b.length, junk.length);
    return out;
  }
}
