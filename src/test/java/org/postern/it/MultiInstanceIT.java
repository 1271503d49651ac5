package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Postern instances on one host, as postmulti(1) users run Postfix's: each has its own
 * config_directory, queue_directory, data_directory, log and listen address, and its own {@code
 * multi_instance_name}, made from the first by {@code postconf -c DIR -e} as {@code postmulti -e
 * create} makes them. Instance a is started with {@code postern -c DIR start}; instance b as
 * systemd runs {@code postern@b.service} (the template's ExecStart, its paths moved under the
 * test's directory, with {@code $NOTIFY_SOCKET}). Each delivers its own mail only, logs under its
 * own name, and stops without touching the other.
 */
class MultiInstanceIT {
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final Path TEMPLATE = PosternInstance.HOME.resolve("packaging/postern@.service");

  @TempDir Path dir;

  private record Instance(String name, Path config, String address) {
    Path maillog() {
      return config.resolveSibling("log").resolve(name + ".log");
    }

    Path maildir() {
      return config.resolveSibling("mail-" + name).resolve("root/new");
    }
  }

  @Test
  void twoInstances_eachDeliversItsOwnMail() throws Exception {
    Instance a = create("postern-a", "127.0.106.11");
    Instance b = create("postern-b", "127.0.106.12");
    Process unit = null;
    try (NotifySocket notify = NotifySocket.bind(dir.resolve("notify"))) {
      postern(a, "start");
      unit = startAsTemplateUnit("b", notify);
      notify.await("READY=1", 0, LIMIT);

      swaks(a, "for instance a");
      swaks(b, "for instance b");

      assertThat(Commands.await(LIMIT, () -> subjects(a).size() == 1 && subjects(b).size() == 1))
          .as("one message in each instance's Maildir").isTrue();
      // local logs its status line after the message is in place.
      assertThat(Commands.await(LIMIT, () -> logText(a).contains("postern-a/local[")
          && logText(b).contains("postern-b/local["))).as("local's log lines").isTrue();
      assertThat(subjects(a)).containsExactly("Subject: for instance a");
      assertThat(subjects(b)).containsExactly("Subject: for instance b");
      assertThat(logText(a)).contains("postern-a/smtpd[").doesNotContain("postern-b/");
      assertThat(logText(b)).contains("postern-b/smtpd[").doesNotContain("postern-a/");
      assertThat(Files.readString(dir.resolve("journal-b"))).as("standard output under systemd")
          .doesNotContain("postern-b/smtpd[");

      assertThat(postern(a, "stop").status()).isZero();
      assertThat(postern(a, "status").status()).as("a stopped").isEqualTo(1);
      assertThat(postern(b, "status").status()).as("b still running").isZero();

      unit.destroy(); // SIGTERM, as systemctl stop postern@b sends
      assertThat(unit.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(unit.exitValue()).isZero();
      assertThat(notify.received()).anyMatch(m -> m.equals("STOPPING=1"));
    } finally {
      postern(a, "stop");
      if (unit != null) {
        unit.destroyForcibly();
      }
    }
  }

  /**
   * An instance as {@code postmulti -I NAME -e create} makes one: a copy of the configuration with
   * its own directories, name and address.
   */
  private Instance create(String name, String address) throws IOException, InterruptedException {
    return create(name, dir.resolve(name), address);
  }

  private Instance create(String name, Path config, String address)
      throws IOException, InterruptedException {
    Files.createDirectories(config);
    for (String file : List.of("main.cf", "master.cf", "aliases")) {
      Files.copy(PosternInstance.HOME.resolve("conf").resolve(file), config.resolve(file));
    }
    Path master = config.resolve("master.cf");
    Files.writeString(master, Files.readString(master).replace("127.0.0.1:2525 ", address + ":2525 "));
    Instance instance = new Instance(name, config, address);
    Commands.ok(List.of(bin("postconf"), "-c", config.toString(), "-e",
        "multi_instance_name = " + name,
        "queue_directory = " + dir.resolve("spool").resolve(name),
        "data_directory = " + dir.resolve("lib").resolve(name),
        "mail_spool_directory = " + instance.maildir().getParent().getParent() + "/",
        "maillog_file = " + instance.maillog(),
        "maillog_file_prefixes = /var, /dev/stdout, " + dir,
        "inet_interfaces = " + address,
        "inet_protocols = ipv4"), null, LIMIT);
    return instance;
  }

  /**
   * The default instance lists the others in {@code multi_instance_directories}, as {@code
   * postmulti -e init} and {@code -e create} leave it: {@code postern start} without {@code -c}
   * starts the default instance and every enabled one and only checks a disabled one; {@code
   * status} asks every instance; {@code stop} stops them all. The default configuration directory
   * is a tree's {@code conf/}, so the test runs a copy of the launcher whose conf/ is its own.
   */
  @Test
  void defaultInstance_multiInstanceDirectories_commandsReachEveryInstance() throws Exception {
    Path home = launcherTree();
    Instance main = create("postern", home.resolve("conf"), "127.0.106.21");
    Instance b = create("postern-b", "127.0.106.22");
    Instance c = create("postern-c", "127.0.106.23");
    Commands.ok(List.of(bin("postconf"), "-c", main.config().toString(), "-e",
        "multi_instance_directories = " + b.config() + " " + c.config(),
        "multi_instance_enable = yes"), null, LIMIT);
    Commands.ok(List.of(bin("postconf"), "-c", b.config().toString(), "-e",
        "multi_instance_enable = yes"), null, LIMIT);
    List<String> launcher = List.of(home.resolve("bin/postern").toString());
    try {
      PosternInstance.Result noWrapper = Commands.run(append(launcher, "start"), null, LIMIT);
      assertThat(noWrapper.status()).isEqualTo(78);
      assertThat(noWrapper.err()).contains("postern: fatal: multi-instance support is requested,"
          + " but multi_instance_wrapper is empty");
      Commands.ok(List.of(bin("postconf"), "-c", main.config().toString(), "-e",
          "multi_instance_wrapper = ${command_directory}/postmulti -p --"), null, LIMIT);

      Commands.ok(append(launcher, "start"), null, LIMIT);
      assertThat(postern(main, "status").status()).as("default instance").isZero();
      assertThat(postern(b, "status").status()).as("enabled instance").isZero();
      assertThat(postern(c, "status").status()).as("disabled instance: checked only").isEqualTo(1);
      PosternInstance.Result status = Commands.run(append(launcher, "status"), null, LIMIT);
      assertThat(status.status()).as("c is not running").isEqualTo(1);
      assertThat(status.err()).contains("postern/postfix-script: the Postern mail system is running",
          "postern-b/postfix-script: the Postern mail system is running",
          "postern-c/postfix-script: the Postern mail system is not running");

      swaks(b, "through the default instance's start");
      assertThat(Commands.await(LIMIT, () -> subjects(b).size() == 1)).isTrue();

      Commands.ok(append(launcher, "stop"), null, LIMIT);
      assertThat(postern(main, "status").status()).isEqualTo(1);
      assertThat(postern(b, "status").status()).isEqualTo(1);
    } finally {
      for (Instance i : List.of(main, b, c)) {
        postern(i, "stop");
      }
    }
  }

  /** A copy of bin/postern and libexec/ with this build's target/ and a conf/ of its own. */
  private Path launcherTree() throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("libexec"));
    Files.copy(PosternInstance.HOME.resolve("bin/postern"), home.resolve("bin/postern"));
    for (String f : List.of("jdk.sh", "cds.sh")) {
      Files.copy(PosternInstance.HOME.resolve("libexec").resolve(f), home.resolve("libexec").resolve(f));
    }
    Files.createSymbolicLink(home.resolve("target"), PosternInstance.HOME.resolve("target"));
    return home;
  }

  private static List<String> append(List<String> argv, String... more) {
    List<String> all = new ArrayList<>(argv);
    all.addAll(List.of(more));
    return all;
  }

  /** The template unit's ExecStart for instance {@code name}, paths moved under the test. */
  private Process startAsTemplateUnit(String name, NotifySocket notify) throws IOException {
    String execStart;
    try (Stream<String> lines = Files.lines(TEMPLATE)) {
      execStart = lines.filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow()
          .substring("ExecStart=".length())
          .replace("%i", name)
          .replace("/usr/sbin/postern", bin("postern"))
          .replace("/etc/", dir + "/");
    }
    ProcessBuilder pb = new ProcessBuilder(Arrays.asList(execStart.strip().split(" +")))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("journal-" + name).toFile());
    pb.environment().put("NOTIFY_SOCKET", notify.path().toString());
    return pb.start();
  }

  private static String bin(String command) {
    return PosternInstance.HOME.resolve("bin").resolve(command).toString();
  }

  private static PosternInstance.Result postern(Instance instance, String command)
      throws IOException, InterruptedException {
    return Commands.run(List.of(bin("postern"), "-c", instance.config().toString(), command),
        null, LIMIT);
  }

  private static void swaks(Instance instance, String subject)
      throws IOException, InterruptedException {
    Commands.ok(List.of("swaks", "--server", instance.address() + ":2525", "--from",
        "sender@localhost", "--to", "root@localhost", "--header", "Subject: " + subject),
        null, LIMIT);
  }

  private static String logText(Instance instance) {
    try {
      return Files.exists(instance.maillog())
          ? Files.readString(instance.maillog(), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The Subject: lines of the messages in the instance's Maildir for root. */
  private static List<String> subjects(Instance instance) {
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(instance.maildir())) {
      return found;
    }
    try (Stream<Path> files = Files.list(instance.maildir())) {
      for (Path f : files.toList()) {
        Files.readAllLines(f, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("Subject: ")).forEach(found::add);
      }
    } catch (IOException e) {
      return List.of(); // a message being moved: look again
    }
    return found;
  }
}
