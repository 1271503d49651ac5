package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's OpenLDAP slapd in the foreground on one loopback address and port, with a
 * slapd.conf and an mdb database of its own under a temporary directory: suffix {@code
 * dc=example,dc=com}, root DN {@link #ROOT_DN} with password {@link #ROOT_PW}, the core, cosine,
 * inetorgperson and misc schemas (misc brings {@code mailLocalAddress}, {@code
 * mailRoutingAddress} and {@code inetLocalMailRecipient}). The LDIF given is loaded with slapadd
 * before the first start. {@link #stop()} and {@link #start()} take the server down and bring it
 * back with the same data.
 */
public final class Slapd implements AutoCloseable {
  public static final String SUFFIX = "dc=example,dc=com";
  public static final String ROOT_DN = "cn=admin," + SUFFIX;
  public static final String ROOT_PW = "secret";

  private final Path conf;
  private final Path log;
  private final String host;
  private final int port;
  private final int ldapsPort;
  private Process process;

  private Slapd(Path conf, Path log, String host, int port, int ldapsPort) {
    this.conf = conf;
    this.log = log;
    this.host = host;
    this.port = port;
    this.ldapsPort = ldapsPort;
  }

  /** Writes the configuration under {@code dir}, loads {@code ldif} and starts slapd. */
  public static Slapd start(Path dir, String host, int port, String ldif)
      throws IOException, InterruptedException {
    return start(dir, host, port, 0, ldif, List.of());
  }

  /**
   * {@link #start(Path, String, int, String)} with TLS: StartTLS on {@code port} and ldaps on
   * {@code ldapsPort}, with the PEM {@code certAndKey} of a {@link TestPki}.
   */
  public static Slapd startWithTls(Path dir, String host, int port, int ldapsPort, String ldif,
      List<Path> certAndKey) throws IOException, InterruptedException {
    return start(dir, host, port, ldapsPort, ldif, List.of(
        "TLSCertificateFile " + certAndKey.get(0),
        "TLSCertificateKeyFile " + certAndKey.get(1)));
  }

  private static Slapd start(Path dir, String host, int port, int ldapsPort, String ldif,
      List<String> global) throws IOException, InterruptedException {
    Path root = Files.createDirectories(dir.resolve("slapd-" + host + "-" + port));
    Path db = Files.createDirectories(root.resolve("db"));
    Path conf = root.resolve("slapd.conf");
    Files.writeString(conf, String.join("\n",
        "include /etc/ldap/schema/core.schema",
        "include /etc/ldap/schema/cosine.schema",
        "include /etc/ldap/schema/inetorgperson.schema",
        "include /etc/ldap/schema/misc.schema",
        String.join("\n", global),
        "pidfile " + root.resolve("slapd.pid"),
        "modulepath /usr/lib/ldap",
        "moduleload back_mdb",
        "database mdb",
        "suffix \"" + SUFFIX + "\"",
        "rootdn \"" + ROOT_DN + "\"",
        "rootpw " + ROOT_PW,
        "directory " + db,
        "maxsize 10485760",
        ""), StandardCharsets.US_ASCII);
    Path data = root.resolve("data.ldif");
    Files.writeString(data, ldif, StandardCharsets.UTF_8);
    Commands.ok(List.of("/usr/sbin/slapadd", "-f", conf.toString(), "-l", data.toString()), "",
        Duration.ofSeconds(60));
    Slapd s = new Slapd(conf, root.resolve("slapd.log"), host, port, ldapsPort);
    s.start();
    return s;
  }

  /** Starts slapd (again, after {@link #stop()}). */
  public void start() throws IOException, InterruptedException {
    String urls = url() + "/" + (ldapsPort == 0 ? "" : " " + ldapsUrl() + "/");
    process = new ProcessBuilder("/usr/sbin/slapd", "-d", "0", "-f", conf.toString(), "-h", urls)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    boolean up = Commands.await(Duration.ofSeconds(30), () -> process.isAlive() && connects());
    if (!up) {
      stop();
    }
    assertThat(up).as("slapd on " + url() + ", log " + log).isTrue();
  }

  private boolean connects() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code ldap://host:port}, for {@code server_host}. */
  public String url() {
    return "ldap://" + host + ":" + port;
  }

  /** {@code ldaps://host:ldapsPort}, when started {@link #startWithTls with TLS}. */
  public String ldapsUrl() {
    return "ldaps://" + host + ":" + ldapsPort;
  }

  /** Stops slapd; connections are refused until {@link #start()}. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
