package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Postern for end-to-end tests: its own configuration directory (a copy of conf/ with
 * the queue, data and log under a temporary directory and SMTP on a free loopback port), run
 * through the bin/ launchers exactly as an operator would.
 */
public final class PosternInstance implements AutoCloseable {
  static final Path HOME = Path.of(System.getProperty("postern.home", ".")).toAbsolutePath();

  /** What a command printed and how it exited. */
  public record Result(int status, String out, String err) {}

  private final Path root;
  private final Path config;
  private final int smtpPort;

  private PosternInstance(Path root, int smtpPort) {
    this.root = root;
    this.config = root.resolve("etc");
    this.smtpPort = smtpPort;
  }

  /**
   * A receive-only configuration: conf/master.cf without its qmgr entry, so that what smtpd and
   * pickup queued stays in incoming/ for the test to read (as an operator stops delivery).
   */
  public static PosternInstance createReceiveOnly(Path root, String mainCf) throws IOException {
    PosternInstance p = create(root, mainCf);
    Path master = p.config.resolve("master.cf");
    Files.writeString(master, Files.readString(master).replaceAll("(?m)^qmgr .*\\R", ""));
    return p;
  }

  /** A configuration under {@code root}; {@code mainCf} lines are appended to conf/main.cf. */
  public static PosternInstance create(Path root, String mainCf) throws IOException {
    PosternInstance p = new PosternInstance(root, freePort());
    Files.createDirectories(p.config);
    String main =
        Files.readString(HOME.resolve("conf/main.cf"))
            + "\nqueue_directory = " + root.resolve("spool")
            + "\nmail_spool_directory = " + root.resolve("mail") + "/"
            + "\ndata_directory = " + root.resolve("lib")
            + "\nmaillog_file = " + root.resolve("maillog")
            // No test reaches the Internet: mail for other domains stays deferred unless a
            // test routes it to a peer on loopback.
            + "\ndefer_transports = smtp"
            + "\n" + mainCf
            + engine();
    Files.writeString(p.config.resolve("main.cf"), main);
    String master =
        Files.readString(HOME.resolve("conf/master.cf"))
            .replace("127.0.0.1:2525 ", "127.0.0.1:" + p.smtpPort + " ");
    Files.writeString(p.config.resolve("master.cf"), master);
    Files.copy(HOME.resolve("conf/aliases"), p.config.resolve("aliases"));
    return p;
  }

  /**
   * {@code postern_tls_provider} from the system property {@code postern.it.tlsProvider}, so an
   * IT can be run again under another TLS engine (e.g. {@code jdk}); nothing when unset.
   */
  private static String engine() {
    String provider = System.getProperty("postern.it.tlsProvider", "");
    return provider.isEmpty() ? "" : "\npostern_tls_provider = " + provider + "\n";
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int smtpPort() {
    return smtpPort;
  }

  public Path config() {
    return config;
  }

  Path queueDirectory() {
    return root.resolve("spool");
  }

  Path maillog() {
    return root.resolve("maillog");
  }

  /** The user's Maildir under {@code mail_spool_directory} ({@code ROOT/mail/USER}). */
  Path maildir(String user) {
    return root.resolve("mail").resolve(user);
  }

  /** The messages in the user's Maildir, {@code new/} and {@code cur/}; none when it is absent. */
  List<Path> maildirMessages(String user) {
    List<Path> found = new ArrayList<>();
    for (String sub : List.of("new", "cur")) {
      Path dir = maildir(user).resolve(sub);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(Files::isRegularFile).sorted().forEach(found::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return found;
  }

  /** The maillog as written so far; empty before the first line. */
  public String maillogText() {
    try {
      return Files.isRegularFile(maillog()) ? Files.readString(maillog(), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The maillog lines that {@code pattern} finds something in. */
  List<String> logLines(Pattern pattern) {
    return maillogText().lines().filter(l -> pattern.matcher(l).find()).toList();
  }

  /**
   * Waits (at most {@code limit}) for a maillog line that {@code pattern} finds something in and
   * returns its first group (the whole match without groups); fails the test after the limit.
   */
  String awaitLog(Pattern pattern, Duration limit) throws InterruptedException {
    String[] found = new String[1];
    boolean seen =
        Commands.await(
            limit,
            () -> {
              Matcher m = pattern.matcher(maillogText());
              if (!m.find()) {
                return false;
              }
              found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
              return true;
            });
    assertThat(seen).as("maillog line matching /" + pattern + "/ within " + limit + ":\n" + maillogText()).isTrue();
    return found[0];
  }

  /** Appends {@code lines} to this instance's master.cf. */
  public void appendMasterCf(String lines) throws IOException {
    Path master = config.resolve("master.cf");
    Files.writeString(master, Files.readString(master) + "\n" + lines + "\n");
  }

  /** {@code bin/postconf -e SETTING...}; asserts that it succeeds. */
  void postconf(String... settings) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-e"));
    args.addAll(List.of(settings));
    Result r = command("postconf", args.toArray(String[]::new));
    assertThat(r.status()).as("postconf -e " + List.of(settings) + ": " + r.err()).isZero();
  }

  /** Runs {@code bin/NAME args...} with {@code -c} pointing at this instance's configuration. */
  public Result command(String name, String... args) throws IOException, InterruptedException {
    return commandWithInput(null, name, args);
  }

  public Result commandWithInput(byte[] stdin, String name, String... args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(HOME.resolve("bin").resolve(name).toString());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().put("MAIL_CONFIG", config.toString());
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin);
    }
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bin/" + name + " finished").isTrue();
    return new Result(
        p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  void start() throws IOException, InterruptedException {
    Result r = command("postern", "start");
    assertThat(r.status()).as("postern start: " + r.err() + r.out()).isZero();
  }

  /** {@link #start} and then waits (at most 60 s) until smtpd answers with its 220 greeting. */
  public void startAndAwaitSmtp() throws IOException, InterruptedException {
    start();
    awaitSmtp(Duration.ofSeconds(60));
  }

  /** Waits until a connection to smtpd receives a 220 greeting; fails after {@code limit}. */
  void awaitSmtp(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try (SmtpClient c = SmtpClient.connect(smtpPort)) {
        String greeting = c.greeting();
        if (greeting.startsWith("220")) {
          return;
        }
        last = greeting;
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("smtpd on port " + smtpPort + " did not greet within " + limit + ": " + last);
  }

  /** The master's pid from {@code $queue_directory/pid/master.pid}, if the file is there. */
  Optional<Long> masterPid() throws IOException {
    Path pidFile = queueDirectory().resolve("pid/master.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
  }

  /** {@code bin/postcat -q ID}; asserts that it succeeds and returns what it printed. */
  public String postcat(String queueId) throws IOException, InterruptedException {
    Result r = command("postcat", "-q", queueId);
    assertThat(r.status()).as("postcat -q " + queueId + ": " + r.err()).isZero();
    return r.out();
  }

  /** The names (queue ids) of the files now in {@code queue}. */
  Set<String> queueIds(String queue) throws IOException {
    Set<String> ids = new TreeSet<>();
    for (Path p : queueFiles(queue)) {
      ids.add(p.getFileName().toString());
    }
    return ids;
  }

  void stop() throws IOException, InterruptedException {
    command("postern", "stop");
  }

  /** The queue files now in {@code queue} (incoming, active, deferred, hold, maildrop...). */
  List<Path> queueFiles(String queue) throws IOException {
    Path dir = queueDirectory().resolve(queue);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    // The daemon moves and removes files while we walk: a vanished one means "walk again".
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> files = Files.walk(dir)) {
        return files.filter(Files::isRegularFile).toList();
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 20) {
          throw e;
        }
      }
    }
  }

  /** {@link #queueFiles} for polling conditions, where a checked exception cannot pass. */
  List<Path> queueFilesQuietly(String queue) {
    try {
      return queueFiles(queue);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, String> environment() {
    return Map.of("MAIL_CONFIG", config.toString());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }
}
