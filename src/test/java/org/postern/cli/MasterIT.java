package org.postern.cli;

import org.postern.it.PidFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.cli.LauncherIT.run;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.master.ControlClient;
import org.postern.master.ControlReply;

/**
 * postfix(1)'s control commands, run as an operator would: {@code bin/postern start|status|
 * reload|stop -c DIR} against a copy of conf/ whose queue, data and log live in a temporary
 * directory. The real master.cf is used, and every service in it runs in this build (none is skipped).
 */
class MasterIT {
  private static final Path HOME =
      Path.of(System.getProperty("postern.home", ".")).toAbsolutePath();
  private static final Pattern PID = Pattern.compile("is running: PID: (\\d+)");
  private static final Pattern SKIPPED =
      Pattern.compile("postern/master\\[\\d+\\]: warning: \\S*master\\.cf, line \\d+: service \\S+:"
          + " command \"\\S+\" is not available in this build; skipped");

  @TempDir Path dir;
  private Path conf;
  private Path mainCf;
  private Path maillog;
  private Path pidFile;

  @BeforeEach
  void copyConfiguration() throws Exception {
    conf = Files.createDirectories(dir.resolve("conf"));
    maillog = dir.resolve("maillog");
    pidFile = dir.resolve("spool/pid/master.pid");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        conf.resolve("master.cf"),
        Files.readString(HOME.resolve("conf/master.cf")).replace("127.0.0.1:2525 ", "127.0.0.1:" + port + " "));
    Files.copy(HOME.resolve("conf/aliases"), conf.resolve("aliases"));
    mainCf = conf.resolve("main.cf");
    String text =
        Files.readString(HOME.resolve("conf/main.cf"))
            .replaceAll("(?m)^queue_directory = .*$", "queue_directory = " + dir.resolve("spool"))
            .replaceAll("(?m)^mail_spool_directory = .*$", "mail_spool_directory = " + dir.resolve("mail") + "/")
            .replaceAll("(?m)^data_directory = .*$", "data_directory = " + dir.resolve("lib"))
            .replaceAll("(?m)^maillog_file = .*$", "maillog_file = " + maillog);
    Files.writeString(mainCf, text);
  }

  @AfterEach
  void killLeftOverMaster() throws Exception {
    PidFiles.killOwner(pidFile);
  }

  private LauncherIT.Result postern(String command) throws Exception {
    return run("bin/postern", command, "-c", conf.toString());
  }

  private long runningPid() throws Exception {
    LauncherIT.Result status = postern("status");
    assertThat(status.status()).as(status.err()).isZero();
    Matcher m = PID.matcher(status.err());
    assertThat(m.find()).as(status.err()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void startStatusReloadStop_realLauncher_controlTheMasterAsPostfixDoes() throws Exception {
    LauncherIT.Result start = postern("start");
    assertThat(start.status()).as(start.err()).isZero();
    assertThat(start.err()).contains("postern/postfix-script: starting the Postern mail system");

    long pid = runningPid();
    assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(pid));
    assertThat(Files.readString(maillog))
        .contains("postern/master[" + pid + "]: daemon started -- version ")
        .doesNotContainPattern(SKIPPED)
        .doesNotContain("postern_tls_provider"); // BoringSSL and AWS-LC load on this platform

    LauncherIT.Result again = postern("start");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("fatal: the Postern mail system is already running");

    Files.writeString(mainCf, "syslog_name = postern-reloaded\n", java.nio.file.StandardOpenOption.APPEND);
    LauncherIT.Result reload = postern("reload");
    assertThat(reload.status()).as(reload.err()).isZero();
    assertThat(runningPid()).isEqualTo(pid);
    assertThat(Files.readString(maillog))
        .contains("postern-reloaded/master[" + pid + "]: reload -- version ");

    String good = Files.readString(mainCf);
    Files.writeString(mainCf, good + "smtpd_timeout = soon\n");
    LauncherIT.Result refused = postern("reload");
    assertThat(refused.status()).isEqualTo(78);
    assertThat(refused.err()).contains(mainCf + ", line").contains("smtpd_timeout");
    ControlReply direct =
        new ControlClient(dir.resolve("spool/private/control")).request("reload", Duration.ofSeconds(30));
    assertThat(direct.ok()).isFalse();
    assertThat(direct.text()).contains(mainCf + ", line").contains("parameter smtpd_timeout");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
    Files.writeString(mainCf, good);
    assertThat(runningPid()).isEqualTo(pid);

    LauncherIT.Result stop = postern("stop");
    assertThat(stop.status()).as(stop.err()).isZero();
    assertThat(stop.err()).contains("stopping the Postern mail system");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(pidFile).doesNotExist();
    assertThat(dir.resolve("spool/private/control")).doesNotExist();
    assertThat(Files.readString(maillog)).contains("postern-reloaded/master[" + pid + "]: stopping on request");

    LauncherIT.Result status = postern("status");
    assertThat(status.status()).isEqualTo(1);
    assertThat(status.err()).contains("the Postern mail system is not running");
    assertThat(postern("stop").status()).isEqualTo(1);
  }

  @Test
  void start_unknownTlsProvider_refusedWithParameterNamed() throws Exception {
    Files.writeString(mainCf, "postern_tls_provider = openssl\n", StandardOpenOption.APPEND);

    LauncherIT.Result start = postern("start");

    assertThat(start.status()).isEqualTo(1);
    assertThat(start.err()).contains("unknown postern_tls_provider value: \"openssl\" (boringssl, accp or jdk)");
    assertThat(postern("status").status()).isEqualTo(1);
  }

  @Test
  void start_boringSslCannotLoad_warnsAndRunsOnTheJdkEngine() throws Exception {
    Files.writeString(mainCf, "postern_tls_provider = boringssl\n", StandardOpenOption.APPEND);
    // As where java.io.tmpdir is mounted noexec: the native library cannot be unpacked and run.
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dio.netty.native.workdir=/dev/null/x");

    LauncherIT.Result start = LauncherIT.run(env, "bin/postern", "start", "-c", conf.toString());

    assertThat(start.status()).as(start.err()).isZero();
    long pid = runningPid();
    assertThat(Files.readString(maillog)).containsPattern("postern/master\\[" + pid
        + "\\]: warning: postern_tls_provider = boringssl: .+; the JDK's TLS engine is used instead");
    assertThat(postern("stop").status()).isZero();
  }

  @Test
  void sigterm_runningMaster_stopsGracefullyAndRemovesPidFile() throws Exception {
    assertThat(postern("start").status()).isZero();
    long pid = runningPid();

    ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
    assertThat(master.destroy()).isTrue();
    master.onExit().get(30, TimeUnit.SECONDS);

    assertThat(Files.readString(maillog)).contains("postern/master[" + pid + "]: terminating on signal 15");
    assertThat(pidFile).doesNotExist();
    assertThat(postern("status").status()).isEqualTo(1);
  }

  @Test
  void startFg_logsToStandardOutput_untilSigint() throws Exception {
    Process p =
        new ProcessBuilder(HOME.resolve("bin/postern").toString(), "start-fg", "-c", conf.toString())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
        if (line.contains("daemon started")) {
          new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        }
      }
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(lines)
        .anyMatch(l -> l.contains("postern/master[" + p.pid() + "]: daemon started"))
        .anyMatch(l -> l.endsWith("postern/master[" + p.pid() + "]: terminating on signal 2"));
    assertThat(maillog).doesNotExist();
    assertThat(pidFile).doesNotExist();
  }
}
