package org.postern.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.config.ConfigDirectory;
import org.postern.config.MainConfig;
import org.postern.queue.CorruptQueueFileException;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.QueueRecord;
import org.postern.queue.Queues;
import org.postern.queue.RecordType;
import org.postern.util.Getopt;

/**
 * postcat(1): prints queue files in human-readable form, as Postfix's postcat does. {@code -e}
 * envelope records, {@code -h} header, {@code -b} body (default all three); {@code -q} takes the
 * operands as queue ids and searches maildrop, incoming, active, deferred, hold and saved;
 * {@code -v} names every content record. Without operands it reads stdin.
 *
 * <p>Failure: a corrupt file prints the records read so far, then {@code postcat: fatal:} with
 * the offset and reason, exit status 1, as for any file that cannot be opened.
 */
final class Postcat {
  private static final String USAGE =
      "usage: postcat [-b (body text)] [-c config_dir] [-e (envelope records)]"
          + " [-h (header text)] [-q (access queue)] [-v] [file(s)...]";
  private static final List<QueueName> SEARCH =
      List.of(QueueName.MAILDROP, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED,
          QueueName.HOLD, QueueName.SAVED);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;

  Postcat(PrintStream out, PrintStream err, InputStream in) {
    this.out = out;
    this.err = err;
    this.in = in;
  }

  static int run(List<String> args) throws Exception {
    return new Postcat(System.out, System.err, System.in).main(args);
  }

  int main(List<String> args) throws Exception {
    Getopt opts;
    try {
      opts = Getopt.parse(args, "bc:ehqv");
    } catch (Getopt.UsageException e) {
      err.println("postcat: " + e.getMessage());
      return fatal(USAGE);
    }
    Printer printer = new Printer(opts.has('e'), opts.has('h'), opts.has('b'), opts.has('v'));
    try {
      if (opts.operands().isEmpty()) {
        QueueFileReader.forEachRecord(in, Path.of("stdin"), printer.start("stdin"));
      } else if (opts.has('q')) {
        Queues queues = Queues.at(
            MainConfig.load(ConfigDirectory.resolve(opts.value('c'))).getPath("queue_directory"));
        for (String id : opts.operands()) {
          if (!QueueId.isValid(id)) {
            return fatal("bad mail queue ID: " + id);
          }
          Optional<Queues.Located> found = queues.find(QueueId.of(id), SEARCH);
          if (found.isEmpty()) {
            return fatal("open queue file " + id + ": No such file or directory");
          }
          print(found.get().path(), queues.relativeName(found.get().path()), printer);
        }
      } else {
        for (String file : opts.operands()) {
          print(Path.of(file), file, printer);
        }
      }
    } catch (CorruptQueueFileException e) {
      out.flush();
      return fatal(e.getMessage());
    } catch (NoSuchFileException e) {
      return fatal("open " + e.getFile() + ": No such file or directory");
    } finally {
      out.flush();
    }
    return 0;
  }

  private void print(Path file, String name, Printer printer) throws IOException {
    try (InputStream s = Files.newInputStream(file)) {
      QueueFileReader.forEachRecord(s, Path.of(name), printer.start(name));
    }
  }

  private int fatal(String message) {
    err.println("postcat: fatal: " + message);
    return 1;
  }

  /** Postfix's postcat state machine: envelope, then header, then body, then envelope again. */
  private final class Printer implements QueueFileReader.RecordHandler {
    private enum State {
      ENVELOPE,
      HEADER,
      BODY
    }

    private final boolean envelope;
    private final boolean header;
    private final boolean body;
    private final boolean verbose;
    private String name;
    private State state;
    private boolean print;
    private RecordType previous;

    Printer(boolean e, boolean h, boolean b, boolean verbose) {
      boolean all = !e && !h && !b;
      this.envelope = e || all;
      this.header = h || all;
      this.body = b || all;
      this.verbose = verbose;
    }

    Printer start(String fileName) {
      name = fileName;
      state = State.ENVELOPE;
      print = envelope;
      previous = null;
      if (envelope) {
        line("*** ENVELOPE RECORDS " + name + " ***");
      }
      return this;
    }

    @Override
    public void record(QueueRecord r) throws IOException {
      switch (r.type()) {
        case MESSAGE -> {
          marker("MESSAGE CONTENTS");
          state = State.HEADER;
          print = header;
        }
        case EXTRACTED -> {
          if (print && previous == RecordType.CONTINUED && !verbose) {
            out.write('\n');
          }
          marker("HEADER EXTRACTED");
          state = State.ENVELOPE;
          print = envelope;
        }
        case END -> marker("MESSAGE FILE END");
        case NORMAL, CONTINUED -> text(r);
        default -> {
          if (print) {
            line(r.type().postcatName() + ": " + envelopeValue(r));
          }
        }
      }
      previous = r.type();
    }

    private void text(QueueRecord r) throws IOException {
      if (state == State.HEADER && previous != RecordType.CONTINUED
          && !isHeader(r.data()) && !startsWithSpace(r.data())) {
        state = State.BODY;
        print = body;
      }
      if (!print) {
        return;
      }
      if (verbose) {
        out.write((r.type().postcatName() + ": ").getBytes(StandardCharsets.UTF_8));
      }
      out.write(r.data());
      if (r.type() == RecordType.NORMAL || verbose) {
        out.write('\n');
      }
    }

    private String envelopeValue(QueueRecord r) {
      if (r.type() != RecordType.TIME) {
        return r.text();
      }
      try {
        Instant t = Instant.ofEpochSecond(Long.parseLong(r.text().split(" ")[0]));
        return ASCTIME.format(t.atZone(ZoneId.systemDefault()));
      } catch (NumberFormatException e) {
        return r.text(); // the reader that delivers the file reports it; postcat shows it
      }
    }

    private void marker(String what) {
      if (envelope) {
        line("*** " + what + " " + name + " ***");
      }
    }

    private void line(String s) {
      byte[] b = (s + "\n").getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
  }

  /** RFC 5322 header line: a field name of printable characters, optional blanks, a colon. */
  static boolean isHeader(byte[] line) {
    int i = 0;
    while (i < line.length && line[i] > ' ' && line[i] < 127 && line[i] != ':') {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    return i < line.length && line[i] == ':';
  }

  private static boolean startsWithSpace(byte[] line) {
    return line.length > 0 && (line[0] == ' ' || line[0] == '\t');
  }
}
