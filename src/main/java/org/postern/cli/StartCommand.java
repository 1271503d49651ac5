package org.postern.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postern.config.ConfigDirectory;
import org.postern.master.ControlReply;

/**
 * {@code postern start}: starts the master in the background, the way Postfix's {@code postfix
 * start} runs {@code master -w}. The daemon is a new JVM running {@code bin/postern start-fg -b}
 * (so it gets the launcher's server flags), in a session of its own ({@code setsid}), with
 * standard input and output on /dev/null. Its standard error comes back here until it answers on
 * its control socket, so a daemon that dies while starting says why; after that it goes nowhere,
 * the daemon logs to {@code maillog_file} or syslog.
 *
 * <p>Failure: exit 1 when a master runs already, when the daemon dies while starting (its error
 * output is shown) or does not answer within {@link #START_WAIT}, or when the queue directory
 * holds Postfix's queue files (see PostfixQueueFiles); EX_CONFIG on a bad configuration, before
 * anything starts.
 */
final class StartCommand {
  static final Duration START_WAIT = Duration.ofSeconds(30);
  private static final int MAX_SHOWN = 16 * 1024;

  private StartCommand() {}

  static int run(List<String> args) throws IOException, InterruptedException {
    Optional<PostfixScript> loaded = PostfixScript.load("start", args, System.err);
    if (loaded.isEmpty()) {
      return Sysexits.EX_CONFIG;
    }
    PostfixScript script = loaded.get();
    if (script.runningPid().isPresent()) {
      return script.fatal(PostfixScript.NAME + " is already running");
    }
    Optional<String> postfixQueue = StartPreparation.postfixQueue(script.configCheck().config());
    if (postfixQueue.isPresent()) {
      return script.fatal(postfixQueue.get());
    }
    script.say("starting " + PostfixScript.NAME);
    Process daemon = spawn(script.configCheck().config().configDirectory());
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> collect(daemon.getErrorStream(), errors));
    long deadline = System.nanoTime() + START_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (answers(script)) {
        return 0;
      }
      // setsid exits 0 at once when it had to fork; only a failure status means a dead daemon.
      if (!daemon.isAlive() && daemon.exitValue() != 0) {
        reader.join(Duration.ofSeconds(2));
        show(errors);
        return script.fatal(PostfixScript.NAME + " did not start (exit status "
            + daemon.exitValue() + ")");
      }
      Thread.sleep(100);
    }
    show(errors);
    return script.fatal(PostfixScript.NAME + " did not answer on "
        + script.paths().controlSocket() + " within " + START_WAIT.toSeconds() + " seconds");
  }

  private static Process spawn(Path configDirectory) throws IOException {
    List<String> argv = new ArrayList<>();
    Optional<Path> setsid = onPath("setsid");
    setsid.ifPresent(p -> argv.add(p.toString()));
    argv.add(ConfigDirectory.posternHome().resolve("bin").resolve("postern").toString());
    argv.addAll(List.of("start-fg", "-b", "-c", configDirectory.toString()));
    return new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.PIPE)
        .start();
  }

  private static boolean answers(PostfixScript script) {
    try {
      ControlReply reply = script.control().request("status", Duration.ofSeconds(2));
      return reply.ok();
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  /** Keeps the first {@value #MAX_SHOWN} bytes of the daemon's error output. */
  private static void collect(InputStream in, ByteArrayOutputStream sink) {
    byte[] buffer = new byte[4096];
    try (in) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        sink.write(buffer, 0, Math.max(0, Math.min(n, MAX_SHOWN - sink.size())));
      }
    } catch (IOException e) {
      // The daemon closed its end: everything it said is in the sink.
    }
  }

  private static void show(ByteArrayOutputStream errors) {
    System.err.print(errors.toString(StandardCharsets.UTF_8));
    System.err.flush();
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
