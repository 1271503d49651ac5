package org.postern.tlsrpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The daily journal of counted sessions: {@code <directory>/YYYY-MM-DD.journal} per UTC day, one
 * {@link SessionRecord} line per session, appended with one write each ({@code O_APPEND}), never
 * rewritten. A crash can leave at most the line being written torn; the reader drops a last line
 * without its LF, and opening a journal whose last line is torn ends that line first, so later
 * records never merge with it. No fsync per record: a system crash may lose the records still in
 * the page cache, never the ones before them.
 *
 * <p>Failure: a journal that cannot be opened or written is reported to {@code warnings} once per
 * problem and the record is lost; delivery goes on.
 */
public final class Journal implements SessionRecorder {
  private static final String SUFFIX = ".journal";

  private final Path directory;
  private final Consumer<String> warnings;
  private final ReentrantLock lock = new ReentrantLock();
  private LocalDate openDay;
  private FileChannel channel;
  private String lastWarning = "";

  public Journal(Path directory, Consumer<String> warnings) {
    this.directory = directory;
    this.warnings = warnings;
  }

  /** The journal file of {@code day}. */
  public static Path file(Path directory, LocalDate day) {
    return directory.resolve(day + SUFFIX);
  }

  @Override
  public void record(SessionRecord r) {
    byte[] line = (r.line() + "\n").getBytes(StandardCharsets.UTF_8);
    LocalDate day = LocalDate.ofInstant(r.time(), ZoneOffset.UTC);
    lock.lock();
    try {
      if (!day.equals(openDay)) {
        closeChannel();
        channel = openForAppend(file(directory, day));
        openDay = day;
      }
      ByteBuffer bytes = ByteBuffer.wrap(line);
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      closeChannel();
      String warning = "TLSRPT journal " + file(directory, day) + ": " + e.getMessage();
      if (!warning.equals(lastWarning)) {
        warnings.accept(warning + "; session not counted");
        lastWarning = warning;
      }
    } finally {
      lock.unlock();
    }
  }

  private static FileChannel openForAppend(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    boolean torn = endsTorn(file);
    FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (torn) {
      try {
        c.write(ByteBuffer.wrap(new byte[] {'\n'}));
      } catch (IOException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  /** Whether {@code file} exists and its last line lacks its LF (a crash tore it). */
  private static boolean endsTorn(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = c.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      c.read(last, size - 1);
      return last.get(0) != '\n';
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Appends are already written; a failing close loses nothing more.
      }
      channel = null;
      openDay = null;
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closeChannel();
    } finally {
      lock.unlock();
    }
  }

  /** A day's records, and how many lines were dropped (torn or not understood). */
  public record Contents(List<SessionRecord> records, int dropped) {
    public Contents {
      records = List.copyOf(records);
    }
  }

  /** The records of {@code day}; a missing journal has none. */
  public static Contents read(Path directory, LocalDate day) throws IOException {
    String text;
    try {
      // Decoded leniently: a torn last line may end inside a UTF-8 sequence.
      text = new String(Files.readAllBytes(file(directory, day)), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Contents(List.of(), 0);
    }
    List<SessionRecord> records = new ArrayList<>();
    int dropped = 0;
    int start = 0;
    for (int end; (end = text.indexOf('\n', start)) >= 0; start = end + 1) {
      String line = text.substring(start, end);
      if (line.isEmpty()) {
        continue;
      }
      var r = SessionRecord.parse(line);
      if (r.isPresent()) {
        records.add(r.get());
      } else {
        dropped++;
      }
    }
    if (start < text.length()) {
      dropped++; // the torn last line of a crash
    }
    return new Contents(records, dropped);
  }
}
