package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/package's .deb on this machine, for real (as root): dpkg installs it, Postern runs as
 * postern.service would (its ExecStart with {@code $NOTIFY_SOCKET} on a socket the test reads,
 * since no systemd runs here), takes mail, is reloaded with ExecReload, is upgraded in place by a
 * second build with a message still queued, which is then delivered, and is removed and purged.
 * The configuration is the package's, changed by {@code postconf -e} to listen on
 * 127.0.106.1:2525 only and to relay through a peer on 127.0.106.2:2526 that is down until after
 * the upgrade. Whatever happens, the package is purged at the end.
 */
class PackageIT {
  private static final String ADDRESS = "127.0.106.1";
  private static final int PORT = 2525;
  private static final String RELAY = "127.0.106.2";
  private static final int RELAY_PORT = 2526;
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final Path UNIT = Path.of("/lib/systemd/system/postern.service");
  private static final Path ETC = Path.of("/etc/postern");

  @TempDir Path dir;

  @Test
  void deb_installRunUpgradeRemovePurge() throws Exception {
    Path first = build("0.1.0~it1");
    Path second = build("0.1.0~it2");
    purge(); // what an interrupted run left
    Process master = null;
    try {
      dpkg("-i", first.toString());
      assertInstalled("0.1.0~it1");
      configure();
      try (NotifySocket notify = NotifySocket.bind(dir.resolve("notify"))) {
        master = startAsUnit(notify);
        String ready = notify.await("READY=1", 0, LIMIT);
        assertThat(ready).contains("MAINPID=" + master.pid());

        swaks("root@localhost", "local before upgrade");
        assertThat(Commands.await(LIMIT, () -> maildirMessages().size() == 1))
            .as("delivered to root's Maildir; log:\n" + maillog()).isTrue();
        swaks("someone@example.test", "queued across the upgrade");
        assertThat(Commands.await(LIMIT, () -> maillog().contains("status=deferred")))
            .as("deferred while the relay is down; log:\n" + maillog()).isTrue();

        int seen = notify.received().size();
        Commands.ok(unitCommand("ExecReload"), null, LIMIT);
        notify.await("RELOADING=1", seen, LIMIT);
        notify.await("READY=1", seen + 1, LIMIT);

        // prerm stops the running master, postinst starts the new one ("postern start").
        seen = notify.received().size();
        dpkg("-i", second.toString());
        assertThat(master.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("master stopped").isTrue();
        assertThat(master.exitValue()).isZero();
        notify.await("STOPPING=1", seen, LIMIT);
      }
      assertThat(maillog()).contains("postern/smtpd[", "postern/master[");
      assertThat(Files.readString(dir.resolve("journal")))
          .as("run by systemd, the master logs to maillog_file (or syslog), not standard output")
          .doesNotContain("postern/smtpd[", "postern/master[");
      assertInstalled("0.1.0~it2");
      assertThat(Files.readString(ETC.resolve("main.cf")))
          .as("the admin's changes to the conffile survive the upgrade")
          .contains("relayhost = [" + RELAY + "]:" + RELAY_PORT);
      assertThat(postern("postqueue", "-p").out()).contains("someone@example.test");

      try (AiosmtpdPeer relay = AiosmtpdPeer.start(dir, RELAY, RELAY_PORT)) {
        Commands.ok(List.of("/usr/sbin/postern", "-c", ETC.toString(), "postqueue", "-f"), null,
            LIMIT);
        List<AiosmtpdPeer.Message> relayed = relay.awaitMessages(1, LIMIT);
        assertThat(relayed.get(0).recipients()).containsExactly("someone@example.test");
        assertThat(relayed.get(0).text()).contains("queued across the upgrade");
      }

      PosternInstance.Result status = postern("status");
      long pid = Long.parseLong((status.out() + status.err()).replaceAll("(?s).*PID: *([0-9]+).*", "$1"));
      dpkg("-r", "postern");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("prerm stopped the master").isFalse();
      assertThat(Path.of("/usr/sbin/postern")).doesNotExist();
      assertThat(ETC.resolve("main.cf")).as("conffiles stay until purge").exists();

      dpkg("-P", "postern");
      assertPurged();
    } finally {
      if (master != null) {
        master.destroyForcibly();
      }
      purge();
    }
  }

  /** bin/package from this checkout, with the classes the Maven build just made. */
  private Path build(String version) throws IOException, InterruptedException {
    Path out = dir.resolve("deb");
    PosternInstance.Result r = Commands.run(
        List.of(PosternInstance.HOME.resolve("bin/package").toString(), "-v", version, "-o",
            out.toString()),
        null, Map.of("POSTERN_NO_BUILD", "1", "TMPDIR", dir.toString()), LIMIT);
    assertThat(r.status()).as("bin/package: " + r.err()).isZero();
    Path deb = Path.of(r.out().strip());
    assertThat(deb).isEqualTo(out.resolve("postern_" + version + "_all.deb")).exists();
    return deb;
  }

  private void assertInstalled(String version) throws IOException, InterruptedException {
    assertThat(run("dpkg-query", "-W", "-f=${Status} ${Version}", "postern").out())
        .isEqualTo("install ok installed " + version);
    assertThat(Path.of("/usr/sbin/postern").toRealPath())
        .isEqualTo(Path.of("/usr/share/postern/bin/postern"));
    assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "postern").out())
        .contains("/etc/postern/main.cf", "/etc/postern/master.cf", "/etc/postern/aliases");
    assertThat(run("getent", "passwd", "postern").out()).contains(":/var/spool/postern:");
    assertThat(Path.of("/var/spool/postern")).isDirectory();
    PosternInstance.Result defaults = Commands.run(
        List.of("/usr/sbin/postern", "postconf", "-h", "queue_directory", "mail_owner"), null,
        systemdEnvironment(), LIMIT);
    assertThat(defaults.out()).as("without -c, /etc/postern: " + defaults.err())
        .isEqualTo("/var/spool/postern\npostern\n");
    assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/postern.service"))
        .as("enabled on first installation").exists();
    if (!Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
      return; // a host without systemd's tools: the unit is run below all the same
    }
    PosternInstance.Result verify = run("systemd-analyze", "verify", UNIT.toString());
    assertThat(verify.status()).as("systemd-analyze verify: " + verify.err()).isZero();
    // A template is verified as one of its instances.
    Path instance = dir.resolve("postern@it.service");
    Files.copy(UNIT.resolveSibling("postern@.service"), instance,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    verify = run("systemd-analyze", "verify", instance.toString());
    assertThat(verify.status()).as("systemd-analyze verify postern@it: " + verify.err()).isZero();
  }

  private static void assertPurged() throws IOException, InterruptedException {
    assertThat(run("dpkg-query", "-W", "postern").status()).as("unknown to dpkg").isNotZero();
    for (String path : List.of("/etc/postern", "/var/spool/postern", "/var/lib/postern",
        "/var/cache/postern", "/usr/share/postern", "/var/lib/dpkg/alternatives/postern-mta",
        "/etc/systemd/system/multi-user.target.wants/postern.service")) {
      assertThat(Path.of(path)).doesNotExist();
    }
    assertThat(run("getent", "passwd", "postern").status()).as("postern user removed").isNotZero();
    assertThat(run("getent", "group", "postern").status()).as("postern group removed").isNotZero();
  }

  /** The package's main.cf and master.cf, changed as an admin would, on this test's addresses. */
  private void configure() throws IOException, InterruptedException {
    postern("postconf", "-e",
        "inet_interfaces = " + ADDRESS,
        "inet_protocols = ipv4",
        "myhostname = package-it.example",
        "mail_spool_directory = " + dir.resolve("mail") + "/",
        "maillog_file = " + dir.resolve("maillog"),
        "maillog_file_prefixes = /var, /dev/stdout, " + dir,
        "relayhost = [" + RELAY + "]:" + RELAY_PORT);
    Path masterCf = ETC.resolve("master.cf");
    String text = Files.readString(masterCf);
    assertThat(text).containsPattern("(?m)^smtp +inet ");
    Files.writeString(masterCf, text.replaceFirst("(?m)^smtp( +)inet ", ADDRESS + ":" + PORT + " inet "));
  }

  /** The unit's ExecStart in the environment systemd gives a Type=notify service. */
  private Process startAsUnit(NotifySocket notify) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(unitCommand("ExecStart"))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("journal").toFile());
    pb.environment().clear();
    pb.environment().putAll(systemdEnvironment());
    pb.environment().put("NOTIFY_SOCKET", notify.path().toString());
    pb.environment().put("INVOCATION_ID", UUID.randomUUID().toString().replace("-", ""));
    return pb.start();
  }

  /** A command line of the installed unit, such as {@code ExecStart}, split as systemd does. */
  private static List<String> unitCommand(String key) throws IOException {
    try (Stream<String> lines = Files.lines(UNIT)) {
      String line = lines.filter(l -> l.startsWith(key + "=")).findFirst()
          .orElseThrow(() -> new AssertionError(UNIT + " has no " + key));
      return Arrays.asList(line.substring(key.length() + 1).strip().split(" +"));
    }
  }

  private static Map<String, String> systemdEnvironment() {
    return Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG", "C.UTF-8");
  }

  private void swaks(String recipient, String subject) throws IOException, InterruptedException {
    Commands.ok(List.of("swaks", "--server", ADDRESS + ":" + PORT, "--from", "sender@localhost",
        "--to", recipient, "--header", "Subject: " + subject, "--body", subject), null, LIMIT);
  }

  private List<Path> maildirMessages() {
    Path fresh = dir.resolve("mail/root/new");
    if (!Files.isDirectory(fresh)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(fresh)) {
      return files.toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private String maillog() {
    try {
      Path log = dir.resolve("maillog");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static PosternInstance.Result postern(String... args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("/usr/sbin/postern", "-c", ETC.toString()));
    argv.addAll(List.of(args));
    return Commands.run(argv, null, systemdEnvironment(), LIMIT);
  }

  private static void dpkg(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("dpkg"));
    argv.addAll(List.of(args));
    PosternInstance.Result r = Commands.run(argv, null, dpkgEnvironment(), LIMIT);
    assertThat(r.status()).as(argv + ":\n" + r.out() + r.err()).isZero();
  }

  /** dpkg as an admin runs it, with the system's PATH and no questions. */
  private static Map<String, String> dpkgEnvironment() {
    Map<String, String> env = new HashMap<>(systemdEnvironment());
    env.put("DEBIAN_FRONTEND", "noninteractive");
    return env;
  }

  private static PosternInstance.Result run(String... argv) throws IOException, InterruptedException {
    return Commands.run(List.of(argv), null, LIMIT);
  }

  /** Stops a master the package started and purges the package, if installed at all. */
  private static void purge() throws IOException, InterruptedException {
    if (run("dpkg-query", "-W", "postern").status() != 0) {
      return;
    }
    if (Files.isExecutable(Path.of("/usr/sbin/postern"))) {
      postern("stop");
    }
    dpkg("-P", "postern");
  }
}
