package org.postern.local;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.postern.deliver.SysExit;

/**
 * Postfix's {@code pipe_command(3)} as local(8) uses it: runs {@code SHELL -c COMMAND} with the
 * user's rights, a fresh environment and the message on standard input, within {@code
 * command_time_limit}, and maps the exit status: 0 delivered; a {@code <sysexits.h>} status to its
 * enhanced status (4.x deferred, otherwise bounced); any other status bounced with 5.3.0; death
 * by a signal deferred. Up to 1000 bytes of the command's output are quoted in the reason.
 *
 * <p>Failure: a command that cannot be started is deferred (4.3.0); a command that ignores its
 * input is not an error (EPIPE is ignored, as in Postfix).
 */
final class CommandRunner {
  private static final int OUTPUT_LIMIT = 1000;

  private final Privileges privileges;
  private final String shell;
  private final Duration timeLimit;

  CommandRunner(Privileges privileges, String shell, Duration timeLimit) {
    this.privileges = privileges;
    this.shell = shell.isBlank() ? "/bin/sh" : shell.strip();
    this.timeLimit = timeLimit;
  }

  /** Runs {@code command} as {@code user}; {@code sentText} is the text when it succeeds. */
  Outcome run(String command, LocalUser user, Map<String, String> environment, Path directory,
      MessageWriter input, String sentText) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(privileges.argv(user, List.of(shell, "-c", command)));
    pb.environment().clear();
    pb.environment().putAll(environment);
    pb.directory(Files.isDirectory(directory) ? directory.toFile() : new File("/"));
    pb.redirectErrorStream(true);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      return Outcome.deferred("4.3.0", "cannot run command: " + e.getMessage() + ": \"" + command + "\"");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), output));
    String writeError = feed(process.getOutputStream(), input);
    if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
      reader.join();
      return Outcome.bounced("5.4.0", "Command time limit exceeded: \"" + command + "\"" + quoted(output));
    }
    reader.join();
    return outcome(process.exitValue(), command, output, writeError, sentText);
  }

  private static Outcome outcome(int status, String command, ByteArrayOutputStream output,
      String writeError, String sentText) {
    if (status > 128 && status < 160) {
      return Outcome.deferred("4.3.0",
          "Command died with signal " + (status - 128) + ": \"" + command + "\"" + quoted(output));
    }
    if (status != 0) {
      return SysExit.of(status)
          .<Outcome>map(e -> e.soft()
              ? Outcome.deferred(e.dsn(), e.text() + quoted(output))
              : Outcome.bounced(e.dsn(), e.text() + quoted(output)))
          .orElseGet(() -> Outcome.bounced("5.3.0",
              "Command died with status " + status + ": \"" + command + "\"" + quoted(output)));
    }
    if (writeError != null) {
      return Outcome.deferred("4.3.0", "Command failed: " + writeError + ": \"" + command + "\"");
    }
    return Outcome.delivered(sentText);
  }

  /** Writes the message; returns the error text, or null when it went in or the pipe closed. */
  private static String feed(OutputStream stdin, MessageWriter input) {
    try (stdin) {
      input.writeTo(stdin);
      return null;
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      return m.contains("Broken pipe") || m.contains("Stream closed") ? null : m;
    }
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[4096];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        int room = OUTPUT_LIMIT - out.size();
        if (room > 0) {
          out.write(buf, 0, Math.min(room, n));
        }
      }
    } catch (IOException e) {
      // The process went away; what was read is all there is.
    }
  }

  private static String quoted(ByteArrayOutputStream output) {
    String text = output.toString(StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return text.isEmpty() ? "" : ". Command output: " + text;
  }
}
