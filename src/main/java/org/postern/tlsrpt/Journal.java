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
import java.util.Optional;
import java.nio.file.StandardCopyOption;
import java.time.DateTimeException;
import java.time.Period;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The daily journal of counted sessions: {@code <directory>/YYYY-MM-DD.journal} per UTC day, one
 * {@link SessionRecord} line per session, appended with one write each ({@code O_APPEND}), never
 * rewritten. A crash can leave at most the line being written torn; the reader drops a last line
 * without its LF, and opening a journal whose last line is torn ends that line first, so later
 * records never merge with it. No fsync per record: a system crash may lose the records still in
 * the page cache, never the ones before them.
 *
 * <p>Clean-up ({@link #settle}, {@link #expire}): once a day's reports went out its journal is
 * removed; when some did not, the journal keeps only the records of the policy domains whose
 * report still has to go, rewritten under a temporary name and renamed over the old one, so a
 * crash leaves either journal whole. Journals older than {@link #RETENTION} are removed whatever
 * became of their reports, so that a domain whose reports always fail cannot grow the directory
 * without bound.
 *
 * <p>Failure: a journal that cannot be opened or written is reported to {@code warnings} once per
 * problem and the record is lost; delivery goes on. Clean-up failures throw {@link IOException}.
 */
public final class Journal implements SessionRecorder {
  private static final String SUFFIX = ".journal";
  private static final Pattern NAME = Pattern.compile("([0-9]{4}-[0-9]{2}-[0-9]{2})\\.journal");

  /** How long a journal is kept when its reports never went out. */
  public static final Period RETENTION = Period.ofDays(7);

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

  /**
   * After {@code day} was reported: removes its journal when {@code unsent} is empty, else keeps
   * only the records of the policy domains in {@code unsent} (lines it cannot read are dropped;
   * the report already warned about them).
   */
  public static void settle(Path directory, LocalDate day, Set<String> unsent) throws IOException {
    Path file = file(directory, day);
    if (unsent.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    StringBuilder kept = new StringBuilder();
    for (SessionRecord r : read(directory, day).records()) {
      if (unsent.contains(r.policy().domain())) {
        kept.append(r.line()).append('\n');
      }
    }
    Path temporary = directory.resolve("." + day + SUFFIX + ".tmp");
    Files.writeString(temporary, kept, StandardCharsets.UTF_8);
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the journals of days before {@code today} minus {@link #RETENTION}; their days. */
  public static List<LocalDate> expire(Path directory, LocalDate today) throws IOException {
    LocalDate oldest = today.minus(RETENTION);
    List<LocalDate> removed = new ArrayList<>();
    for (LocalDate day : days(directory)) {
      if (day.isBefore(oldest)) {
        Files.deleteIfExists(file(directory, day));
        removed.add(day);
      }
    }
    return removed;
  }

  /** The days that have a journal in {@code directory}, oldest first. */
  public static List<LocalDate> days(Path directory) throws IOException {
    List<LocalDate> days = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          day(m.group(1)).ifPresent(days::add);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    days.sort(null);
    return days;
  }

  private static Optional<LocalDate> day(String text) {
    try {
      return Optional.of(LocalDate.parse(text));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
