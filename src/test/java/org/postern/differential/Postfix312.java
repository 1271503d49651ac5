package org.postern.differential;

import org.postern.it.PidFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.it.Commands;
import org.postern.it.PosternInstance;

/**
 * postfix-3.12(1) as a test peer: the reference implementation of REQUIRETLS, built once per
 * machine by {@code ../shared/peers/build-postfix-3.12} (cached under {@code
 * /var/cache/postern-peers/postfix-3.12}, or {@code $POSTFIX312_ROOT}). One instance has its own
 * configuration directory and work directory (queue, data, maillog) under a test's temporary
 * directory, with every other directory parameter pointing into the install root, as PEERS.md
 * describes: {@code compatibility_level = 3.11}, {@code maillog_file} (no syslog), {@code
 * inet_protocols = ipv4}, no alias maps, and the install's master.cf with its smtp listener
 * removed and the {@code postlog} service enabled. The test's main.cf lines and master.cf entries
 * are appended; mail is submitted with Postfix's own sendmail ({@code MAIL_CONFIG}).
 *
 * <p>Failure: when the build script fails, or {@code post-install create-missing} or {@code
 * start} exits non-zero, the test fails with their output and the maillog so far.
 */
public final class Postfix312 implements AutoCloseable {
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final Path BUILD_SCRIPT =
      Path.of(System.getProperty("postern.home", ".")).toAbsolutePath().resolve("../shared/peers/build-postfix-3.12").normalize();

  private final Path root;
  private final Path work;
  private final Path config;

  private Postfix312(Path root, Path work) {
    this.root = root;
    this.work = work;
    this.config = work.resolve("etc");
  }

  /** The install root: builds Postfix 3.12 when the cache has no build of the snapshot yet. */
  static Path installRoot() throws IOException, InterruptedException {
    PosternInstance.Result r = Commands.ok(List.of(BUILD_SCRIPT.toString()), null, Duration.ofMinutes(20));
    return Path.of(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  /**
   * Configures and starts an instance in {@code work} (created; the directories above it must be
   * traversable by the {@code postfix} user) with {@code mainCf} lines and {@code
   * masterCf} entries added.
   */
  public static Postfix312 start(Path work, List<String> mainCf, List<String> masterCf)
      throws IOException, InterruptedException {
    return start(work, mainCf, masterCf, Optional.empty());
  }

  /**
   * As {@link #start(Path, List, List)}; with {@code resolvConf}, the master and every daemon it
   * starts see that file as /etc/resolv.conf (a private mount namespace, as {@code ip netns exec}
   * makes one, with the network shared), because Postfix's resolver reads nothing else.
   */
  public static Postfix312 start(Path work, List<String> mainCf, List<String> masterCf, Optional<Path> resolvConf)
      throws IOException, InterruptedException {
    Postfix312 p = new Postfix312(installRoot(), work);
    Files.createDirectories(p.config);
    Files.createDirectories(work.resolve("spool"));
    Path data = Files.createDirectories(work.resolve("data"));
    Files.setOwner(data, data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(p.config.resolve("main.cf"), String.join("\n", p.baseMainCf(mainCf)) + "\n");
    Files.writeString(p.config.resolve("master.cf"), p.masterCf(masterCf));
    p.postfix(Optional.empty(), "post-install", "create-missing");
    p.postfix(resolvConf, "start");
    return p;
  }

  private List<String> baseMainCf(List<String> mainCf) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "compatibility_level = 3.11",
                "queue_directory = " + work.resolve("spool"),
                "data_directory = " + work.resolve("data"),
                "command_directory = " + root.resolve("usr/sbin"),
                "daemon_directory = " + root.resolve("usr/libexec/postfix"),
                "meta_directory = " + root.resolve("etc/postfix"),
                "shlib_directory = no",
                "sendmail_path = " + root.resolve("usr/sbin/sendmail"),
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "maillog_file = " + maillog(),
                "maillog_file_prefixes = " + work,
                "inet_interfaces = all",
                "inet_protocols = ipv4",
                "alias_maps =",
                "alias_database ="));
    lines.addAll(mainCf);
    return lines;
  }

  /** The install's master.cf without its public smtp listener, postlog on, then {@code extra}. */
  private String masterCf(List<String> extra) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(root.resolve("etc/postfix/master.cf"))) {
      if (line.matches("^smtp\\s+inet\\s.*")) {
        continue;
      }
      out.append(line.startsWith("#postlog") ? line.substring(1) : line).append('\n');
    }
    extra.forEach(e -> out.append(e).append('\n'));
    return out.toString();
  }

  Path maillog() {
    return work.resolve("maillog");
  }

  public String maillogText() {
    try {
      return Files.isRegularFile(maillog()) ? Files.readString(maillog(), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(" + maillog() + " unreadable: " + e + ")";
    }
  }

  /** Postfix's sendmail with {@code args} (options, then recipients), the message on stdin. */
  void sendmail(String message, List<String> args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(root.resolve("usr/sbin/sendmail").toString()));
    argv.addAll(args);
    PosternInstance.Result r =
        Commands.run(argv, message, Map.of("MAIL_CONFIG", config.toString()), LIMIT);
    assertThat(r.status()).as("Postfix 3.12 sendmail " + args + ": " + r.err()).isZero();
  }

  /** Another Postfix program ({@code postqueue}, {@code postcat}, ...) of this instance, as is. */
  PosternInstance.Result command(String program, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(root.resolve("usr/sbin").resolve(program).toString()));
    argv.addAll(List.of(args));
    return Commands.run(argv, null, Map.of("MAIL_CONFIG", config.toString()), LIMIT);
  }

  private void postfix(Optional<Path> resolvConf, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    resolvConf.ifPresent(r -> argv.addAll(List.of("unshare", "--mount", "--propagation", "private",
        "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", r.toString())));
    argv.addAll(List.of(root.resolve("usr/sbin/postfix").toString(), "-c", config.toString()));
    argv.addAll(List.of(args));
    PosternInstance.Result r = Commands.run(argv, null, LIMIT);
    assertThat(r.status())
        .as("postfix " + String.join(" ", args) + ": " + r.out() + r.err() + "\nmaillog:\n" + maillogText())
        .isZero();
  }

  /** {@code postfix stop}, then SIGKILL for whatever of this instance outlived it. */
  @Override
  public void close() throws IOException, InterruptedException {
    Path pid = work.resolve("spool/pid/master.pid");
    List<ProcessHandle> processes = new ArrayList<>();
    PidFiles.owner(pid).ifPresent(m -> {
      processes.add(m);
      m.descendants().forEach(processes::add);
    });
    List<String> argv = List.of(root.resolve("usr/sbin/postfix").toString(), "-c", config.toString(), "stop");
    Commands.run(argv, null, LIMIT);
    Commands.await(Duration.ofSeconds(10), () -> processes.stream().noneMatch(ProcessHandle::isAlive));
    processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
