package org.postern.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.postern.deliver.MailCopy;

/**
 * Runs one external command, Postfix's {@code pipe_command()}: the message on standard input,
 * standard output and error captured (the first {@value #OUTPUT_LIMIT} bytes), the whole run
 * bounded by the time limit, after which the command and its offspring are killed. As root the
 * command runs under {@code setpriv} with the uid, gid and groups of the {@code user=} account;
 * otherwise it runs as the current user.
 *
 * <p>The command gets a clean environment ({@code export_environment} plus {@code
 * PATH=/usr/bin:/bin}). A command that exits before reading all of its input is not an error
 * (Postfix ignores EPIPE too); only its exit status counts.
 *
 * <p>Failure: a queue file that cannot be read is thrown as MailCopy.ReadException; everything
 * that concerns the command is an {@link Outcome}.
 */
final class CommandRun {
  static final int OUTPUT_LIMIT = 4096;
  private static final String PATH = "/usr/bin:/bin";
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  /** How the command ended. */
  sealed interface Outcome {
    /** Standard output and error, tabs and newlines as spaces, other controls as {@code _}. */
    String output();
  }

  /** Exited with {@code status}. */
  record Exited(int status, String output) implements Outcome {}

  /** Killed by signal {@code signal} (not by us). */
  record Signaled(int signal, String output) implements Outcome {}

  /** Killed because the time limit passed. */
  record TimedOut(String output) implements Outcome {}

  /**
   * What to run.
   *
   * @param argv the expanded command line
   * @param user the account to run as, when this process is root
   * @param directory the working directory
   * @param environment the environment, complete
   * @param timeLimit the limit for the whole run
   */
  record Command(List<String> argv, Optional<CommandUser> user, Path directory,
      Map<String, String> environment, Duration timeLimit) {}

  /** Writes the message to the command's standard input. */
  @FunctionalInterface
  interface Input {
    void writeTo(OutputStream stdin) throws IOException;
  }

  private CommandRun() {}

  static Outcome run(Command command, Input input) throws IOException, InterruptedException {
    Optional<String> missing = missingProgram(command.argv().get(0));
    if (missing.isPresent()) {
      // Postfix's child reports a failed execvp() on its output and exits EX_TEMPFAIL.
      return new Exited(75, "pipe: fatal: pipe_command: execvp " + command.argv().get(0) + ": "
          + missing.get());
    }
    ProcessBuilder pb = new ProcessBuilder(commandLine(command))
        .directory(command.directory().toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(command.environment());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      // Where Postfix's child would fail (chdir, exec) and exit EX_TEMPFAIL with its complaint.
      return new Exited(75, printable(("pipe: fatal: pipe_command: " + e.getMessage()).getBytes(
          java.nio.charset.StandardCharsets.UTF_8)));
    }
    ReadFailure[] readFailure = new ReadFailure[1];
    Thread writer = Thread.ofVirtual().start(() -> feed(process, input, readFailure));
    OutputCapture capture = new OutputCapture(process.getInputStream());
    Thread reader = Thread.ofVirtual().start(capture);
    boolean finished = process.waitFor(command.timeLimit().toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      kill(process);
    }
    writer.join(DRAIN_GRACE);
    reader.join(DRAIN_GRACE);
    process.getInputStream().close();
    if (readFailure[0] != null) {
      throw readFailure[0].cause;
    }
    String output = capture.output();
    if (!finished) {
      return new TimedOut(output);
    }
    int status = process.exitValue();
    // The JDK reports death by signal N as 128+N, as a shell does.
    return status > 128 && status < 128 + 65 ? new Signaled(status - 128, output)
        : new Exited(status, output);
  }

  private static List<String> commandLine(Command command) {
    List<String> line = new ArrayList<>();
    command.user().ifPresent(u -> line.addAll(List.of("setpriv", "--reuid=" + u.uid(),
        "--regid=" + u.gid(), "--init-groups", "--")));
    line.addAll(command.argv());
    return line;
  }

  /** Why the program cannot be executed, looked up as execvp() does with PATH=/usr/bin:/bin. */
  private static Optional<String> missingProgram(String program) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      if (!Files.exists(p)) {
        return Optional.of("No such file or directory");
      }
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.empty()
          : Optional.of("Permission denied");
    }
    for (String dir : PATH.split(":")) {
      Path p = Path.of(dir, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.empty();
      }
    }
    return Optional.of("No such file or directory");
  }

  private static void feed(Process process, Input input, ReadFailure[] failure) {
    try (OutputStream stdin = process.getOutputStream()) {
      input.writeTo(stdin);
    } catch (MailCopy.ReadException e) {
      failure[0] = new ReadFailure(e);
    } catch (IOException e) {
      // The command closed its input (EPIPE) or was killed: its exit status tells the story.
    }
  }

  private static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor();
  }

  /** Carries a queue-file read failure out of the writer thread. */
  private record ReadFailure(MailCopy.ReadException cause) {}

  /** Reads everything the command writes, keeping the start. */
  private static final class OutputCapture implements Runnable {
    private final InputStream in;
    private final byte[] kept = new byte[OUTPUT_LIMIT];
    private volatile int length;

    OutputCapture(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          int keep = Math.min(n, OUTPUT_LIMIT - length);
          System.arraycopy(buf, 0, kept, length, keep);
          length += keep;
        }
      } catch (IOException e) {
        // The stream was closed after the command ended; what was read is what there is.
      }
    }

    String output() {
      return printable(java.util.Arrays.copyOf(kept, length));
    }
  }

  /** Postfix's translit("\t\n", "  ") and printable(): one line of plain ASCII. */
  static String printable(byte[] bytes) {
    StringBuilder s = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      s.append(c == '\t' || c == '\n' ? ' ' : c >= 0x20 && c < 0x7f ? (char) c : '_');
    }
    return s.toString();
  }
}
