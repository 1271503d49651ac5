package org.postern.cli;

import org.postern.it.PidFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations of issue 18, run as a Postfix operator runs them, through the real launcher:
 * postfix(1)'s argument order on a fresh copy of the tree (no var/ yet), two concurrent smtpd
 * sessions told apart in the log, and a queue directory that holds Postfix's queue files. Listens
 * on 127.0.83.1 only.
 */
class PostfixOperatorIT {
  private static final Path HOME =
      Path.of(System.getProperty("postern.home", ".")).toAbsolutePath();
  private static final String ADDRESS = "127.0.83.1";
  private static final Pattern PID = Pattern.compile("is running: PID: (\\d+)");
  /** A deferred queue file written by Postfix 3.12's cleanup (mail to an unknown pipe user). */
  private static final String POSTFIX_QUEUE_FILE = "postfix-3.12-deferred-EF3FC218081";

  @TempDir Path dir;
  private Path tree;
  private Path conf;

  @AfterEach
  void killLeftOverMaster() throws Exception {
    if (conf == null) {
      return;
    }
    for (Path pidFile : List.of(dir.resolve("spool/pid/master.pid"),
        dir.resolve("tree/var/spool/pid/master.pid"))) {
      PidFiles.killOwner(pidFile);
    }
  }

  @Test
  void freshTree_postfixArgumentOrder_startMakesTheLogDirectoryAndRuns() throws Exception {
    freshTree();
    assertThat(tree.resolve("var")).doesNotExist();

    LauncherIT.Result start = launcher("bin/postern", "-c", conf.toString(), "start");
    assertThat(start.status()).as(start.err()).isZero();
    Path maillog = tree.resolve("var/log/postern.log");
    assertThat(Files.readString(maillog))
        .contains("postern/postfix-script[")
        .contains("]: starting the Postern mail system")
        .contains("]: daemon started -- version ");

    LauncherIT.Result status = launcher("bin/postern", "-c", conf.toString(), "status");
    assertThat(status.status()).as(status.err()).isZero();
    Matcher pid = PID.matcher(status.err());
    assertThat(pid.find()).as(status.err()).isTrue();
    LauncherIT.Result subcommandForm = launcher("bin/postern", "status", "-c", conf.toString());
    assertThat(subcommandForm.err()).contains("is running: PID: " + pid.group(1));

    LauncherIT.Result stop = launcher("bin/postern", "-v", "-c" + conf, "stop");
    assertThat(stop.status()).as(stop.err()).isZero();
    assertThat(Files.readString(maillog))
        .contains("postern/master[" + pid.group(1) + "]: stopping on request");
    assertThat(launcher("bin/postern", "-c", conf.toString(), "status").status()).isEqualTo(1);
  }

  @Test
  void launcher_optionWithoutCommandOrUnknown_usage() throws Exception {
    LauncherIT.Result missing = LauncherIT.run("bin/postern", "-c");
    assertThat(missing.status()).isEqualTo(64);
    assertThat(missing.err()).contains("option -c requires a config_dir argument");

    LauncherIT.Result unknown = LauncherIT.run("bin/postern", "-x", "start");
    assertThat(unknown.status()).isEqualTo(64);
    assertThat(unknown.err())
        .contains("invalid option: -x")
        .contains("usage: postern [-c config_dir] [-v] command");
  }

  @Test
  void twoConcurrentSessions_ownNumbersInSmtpdBrackets_eachPairsConnectWithDisconnect()
      throws Exception {
    int port = instance();
    Path maillog = dir.resolve("maillog");
    assertThat(postern("start").status()).isZero();

    try (Session first = new Session(port); Session second = new Session(port)) {
      first.greeting();
      second.greeting();
      second.quit();
      first.quit();
    }
    LauncherIT.Result stop = postern("stop");
    assertThat(stop.status()).as(stop.err()).isZero();

    String log = Files.readString(maillog);
    Matcher connect = Pattern.compile("postern/smtpd\\[(\\d+)\\]: connect from [^\\[]*\\[")
        .matcher(log);
    assertThat(connect.find()).as(log).isTrue();
    String one = connect.group(1);
    assertThat(connect.find()).as(log).isTrue();
    String other = connect.group(1);
    assertThat(one).isNotEqualTo(other);
    long master = masterPid(log);
    for (String number : List.of(one, other)) {
      assertThat(Long.parseLong(number)).isGreaterThan(4_194_304L).isNotEqualTo(master);
      assertThat(log).containsOnlyOnce("postern/smtpd[" + number + "]: connect from ")
          .containsOnlyOnce("postern/smtpd[" + number + "]: disconnect from ");
    }
  }

  @Test
  void postfixQueueFile_startRefusedNamingWhatToDo_fileLeftAlone() throws Exception {
    instance();
    byte[] postfixFile = resource(POSTFIX_QUEUE_FILE);
    Path deferred = dir.resolve("spool/deferred/E/EF3FC218081");
    Files.createDirectories(deferred.getParent());
    Files.write(deferred, postfixFile);

    LauncherIT.Result start = postern("start");

    assertThat(start.status()).isEqualTo(1);
    assertThat(start.err())
        .contains("fatal: queue_directory " + dir.resolve("spool") + " holds 1 Postfix queue file"
            + " (deferred/E/EF3FC218081), which Postern cannot read; it leaves them alone and does"
            + " not start. Deliver them with Postfix first");
    assertThat(Files.readString(dir.resolve("maillog")))
        .contains("postern/postfix-script[").contains("holds 1 Postfix queue file");
    assertThat(postern("status").status()).isEqualTo(1);
    assertThat(Files.readAllBytes(deferred)).isEqualTo(postfixFile);
    assertThat(dir.resolve("spool/corrupt")).doesNotExist();

    LauncherIT.Result foreground = launcher("bin/postern", "start-fg", "-c", conf.toString());
    assertThat(foreground.status()).isEqualTo(1);
    assertThat(foreground.err()).contains("postern: fatal: queue_directory ")
        .contains("holds 1 Postfix queue file");
    assertThat(Files.readAllBytes(deferred)).isEqualTo(postfixFile);
  }

  /** bin/, libexec/ and conf/ copied, target/ linked: a clone that was built, but never run. */
  private void freshTree() throws IOException {
    tree = Files.createDirectories(dir.resolve("tree"));
    for (String part : List.of("bin", "libexec", "conf")) {
      copyTree(HOME.resolve(part), tree.resolve(part));
    }
    Files.createSymbolicLink(tree.resolve("target"), HOME.resolve("target"));
    conf = tree.resolve("conf");
    Path master = conf.resolve("master.cf");
    Files.writeString(master, Files.readString(master)
        .replace("127.0.0.1:2525 ", ADDRESS + ":" + freePort() + " "));
    Files.deleteIfExists(conf.resolve("aliases.lmdb"));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().endsWith(".lmdb")) {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** conf/ with queue, spool, data and log under the temporary directory; the smtpd port. */
  private int instance() throws IOException {
    conf = Files.createDirectories(dir.resolve("conf"));
    int port = freePort();
    Files.writeString(conf.resolve("master.cf"), Files.readString(HOME.resolve("conf/master.cf"))
        .replace("127.0.0.1:2525 ", ADDRESS + ":" + port + " "));
    Files.copy(HOME.resolve("conf/aliases"), conf.resolve("aliases"));
    Files.writeString(conf.resolve("main.cf"), Files.readString(HOME.resolve("conf/main.cf"))
        + "\nqueue_directory = " + dir.resolve("spool")
        + "\nmail_spool_directory = " + dir.resolve("mail") + "/"
        + "\ndata_directory = " + dir.resolve("lib")
        + "\nmaillog_file = " + dir.resolve("maillog")
        + "\ninet_interfaces = " + ADDRESS
        + "\nmynetworks = 127.0.0.0/8\n");
    return port;
  }

  private LauncherIT.Result postern(String command) throws Exception {
    return LauncherIT.run("bin/postern", "-c", conf.toString(), command);
  }

  private LauncherIT.Result launcher(String... command) throws Exception {
    String[] argv = command.clone();
    argv[0] = (tree != null ? tree : HOME).resolve(argv[0]).toString();
    return LauncherIT.run(Map.of(), argv);
  }

  private static long masterPid(String log) {
    Matcher m = Pattern.compile("postern/master\\[(\\d+)\\]: daemon started").matcher(log);
    assertThat(m.find()).as(log).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PostfixOperatorIT.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
      return s.getLocalPort();
    }
  }

  /** One SMTP client connection, read line by line. */
  private static final class Session implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Session(int port) throws IOException {
      socket = new Socket(ADDRESS, port);
      in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
    }

    void greeting() throws IOException {
      assertThat(in.readLine()).startsWith("220 ");
    }

    void quit() throws IOException {
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(in.readLine()).startsWith("221 ");
      assertThat(in.readLine()).isNull();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
