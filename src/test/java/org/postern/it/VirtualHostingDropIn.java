package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Debian virtual-hosting configuration of {@code src/test/resources/dropin/virtual-hosting}
 * made real in one directory: main.cf with its placeholders filled in, and the lmdb tables built
 * from their sources by Debian's {@code /usr/sbin/postmap} and {@code postalias}, as an operator
 * builds them. The same directory can then configure Postern or Debian's Postfix.
 */
final class VirtualHostingDropIn {
  private static final String RESOURCE = "/dropin/virtual-hosting/";
  private static final List<String> TABLES = List.of("vmailbox", "virtual", "relay_recipients");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private VirtualHostingDropIn() {}

  /**
   * Writes main.cf (and the tables) into {@code config}; {@code values} fills the placeholders
   * other than {@code @CONFIG@}, which is {@code config} itself.
   */
  static Path write(Path config, Map<String, String> values) throws IOException, InterruptedException {
    Files.createDirectories(config);
    String main = resource("main.cf").replace("@CONFIG@", config.toString());
    for (Map.Entry<String, String> v : values.entrySet()) {
      main = main.replace("@" + v.getKey() + "@", v.getValue());
    }
    assertThat(main).as("main.cf placeholders left").doesNotContainPattern("@[A-Z_]+@");
    Files.writeString(config.resolve("main.cf"), main);
    for (String table : TABLES) {
      Files.writeString(config.resolve(table), resource(table));
      Commands.ok(List.of("/usr/sbin/postmap", "-c", config.toString(), "lmdb:" + config.resolve(table)),
          null, LIMIT);
    }
    Files.writeString(config.resolve("aliases"), resource("aliases"));
    Commands.ok(List.of("/usr/sbin/postalias", "-c", config.toString(), "lmdb:" + config.resolve("aliases")),
        null, LIMIT);
    return config.resolve("main.cf");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = VirtualHostingDropIn.class.getResourceAsStream(RESOURCE + name)) {
      assertThat(in).as("test resource " + RESOURCE + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Lets Postfix's unprivileged daemons traverse every directory from {@code dir} up to {@code top}. */
  static void traversable(Path top, Path dir) throws IOException {
    for (Path d = dir; d != null && d.startsWith(top); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
    }
  }

  /** Debian's master.cf with its smtp listener moved to {@code listeners} (whole master.cf lines). */
  static String debianMasterCf(List<String> listeners) throws IOException {
    return Files.readAllLines(Path.of("/etc/postfix/master.cf")).stream()
            .filter(line -> !line.matches("^smtp\\s+inet\\s.*"))
            .collect(Collectors.joining("\n", "", "\n"))
        + String.join("\n", listeners) + "\n";
  }

  /** Waits until {@code address:port} greets with 220; false after the limit. */
  static boolean greets(String address, int port) throws InterruptedException {
    return Commands.await(LIMIT, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 5_000);
        s.setSoTimeout(10_000);
        return new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).startsWith("220");
      } catch (IOException e) {
        return false;
      }
    });
  }
}
