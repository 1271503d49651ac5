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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's stock master.cf (postfix 3.7's /usr/share/postfix/master.cf.dist, kept as test data)
 * with only its smtpd address changed: Postern starts on it although its {@code maildrop} entry
 * runs as {@code user=vmail}, which does not exist here, and mail routed to that transport is
 * deferred, as Postfix defers it, while the rest runs. Listens on 127.0.83.2 only.
 */
class DebianMasterCfIT {
  private static final Path HOME =
      Path.of(System.getProperty("postern.home", ".")).toAbsolutePath();
  private static final String ADDRESS = "127.0.83.2";

  @TempDir Path dir;
  private Path conf;

  @AfterEach
  void killLeftOverMaster() throws Exception {
    Path pidFile = dir.resolve("spool/pid/master.pid");
    PidFiles.killOwner(pidFile);
  }

  @Test
  void stockMasterCf_unknownPipeUser_startsAndDefersOnlyThatTransport() throws Exception {
    int port = configure();
    Path maillog = dir.resolve("maillog");
    Process getent = new ProcessBuilder("getent", "passwd", "vmail").start();
    assertThat(getent.waitFor()).as("this test needs a host without a vmail account").isNotZero();

    LauncherIT.Result start = postern("start");
    assertThat(start.status()).as(start.err()).isZero();
    assertThat(Files.readString(maillog))
        .contains("postern/pipe[")
        .contains("]: warning: master.cf service maildrop: unknown username: vmail: mail to this"
            + " transport is deferred until it exists");

    String queueId = submit(port, "alice@example.org");
    String status = awaitLog(maillog, Pattern.compile(
        "postern/pipe\\[(\\d+)\\]: " + queueId + ": to=<alice@example\\.org>, relay=none, .*"));
    assertThat(status).contains(", dsn=4.3.0, status=deferred (delivery temporarily suspended:"
        + " unknown mail transport error)");
    assertThat(Files.readString(maillog))
        .contains("]: fatal: get_service_attr: unknown username: vmail");
    try (Stream<Path> deferred = Files.walk(dir.resolve("spool/deferred"))) {
      assertThat(deferred.map(p -> p.getFileName().toString())).contains(queueId);
    }

    LauncherIT.Result stop = postern("stop");
    assertThat(stop.status()).as(stop.err()).isZero();
  }

  /** Debian's master.cf with smtpd on a test port, conf/main.cf with example.org to maildrop. */
  private int configure() throws IOException {
    conf = Files.createDirectories(dir.resolve("conf"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
      port = s.getLocalPort();
    }
    String debian;
    try (InputStream in = getClass().getResourceAsStream("debian-postfix-3.7-master.cf")) {
      debian = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String stockSmtpd = "smtp      inet  n       -       y       -       -       smtpd";
    assertThat(debian).contains(stockSmtpd);
    Files.writeString(conf.resolve("master.cf"),
        debian.replace(stockSmtpd, ADDRESS + ":" + port + " inet n - y - - smtpd"));
    Files.copy(HOME.resolve("conf/aliases"), conf.resolve("aliases"));
    Files.writeString(conf.resolve("main.cf"), Files.readString(HOME.resolve("conf/main.cf"))
        + "\nqueue_directory = " + dir.resolve("spool")
        + "\nmail_spool_directory = " + dir.resolve("mail") + "/"
        + "\ndata_directory = " + dir.resolve("lib")
        + "\nmaillog_file = " + dir.resolve("maillog")
        + "\ninet_interfaces = " + ADDRESS
        + "\nmynetworks = 127.0.0.0/8"
        + "\ntransport_maps = inline:{example.org=maildrop:}"
        + "\nmaildrop_destination_recipient_limit = 1\n");
    return port;
  }

  private LauncherIT.Result postern(String command) throws Exception {
    return LauncherIT.run("bin/postern", "-c", conf.toString(), command);
  }

  /** Sends one message over SMTP from inside mynetworks; returns its queue id. */
  private static String submit(int port, String recipient) throws IOException {
    try (Socket socket = new Socket(ADDRESS, port)) {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      expect(in, "220");
      String queued = "";
      for (String command : new String[] {"EHLO client.example", "MAIL FROM:<s@example.net>",
          "RCPT TO:<" + recipient + ">", "DATA", "Subject: to maildrop\r\n\r\nhello\r\n.",
          "QUIT"}) {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String id = expect(in, switch (command) {
          case "DATA" -> "354";
          case "QUIT" -> "221";
          default -> "25";
        });
        queued = id.isEmpty() ? queued : id;
      }
      return queued;
    }
  }

  /** Reads one reply, asserts its code prefix; returns the queue id a 250 after DATA names. */
  private static String expect(BufferedReader in, String code) throws IOException {
    String line = in.readLine();
    while (line != null && line.length() > 3 && line.charAt(3) == '-') {
      line = in.readLine();
    }
    assertThat(line).startsWith(code);
    Matcher id = Pattern.compile("queued as ([0-9A-F]+)").matcher(line);
    return id.find() ? id.group(1) : "";
  }

  private static String awaitLog(Path maillog, Pattern line) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      Matcher m = line.matcher(Files.exists(maillog) ? Files.readString(maillog) : "");
      if (m.find()) {
        return m.group();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no line matching " + line + " in " + Files.readString(maillog));
  }
}
