package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postconf -d} of Postern against the Postfix 3.12 peer's, on the same empty main.cf and
 * the same master.cf: every name Postfix 3.12 prints, Postern prints, with the same default text,
 * except the differences listed here with their reason.
 */
class PostconfDefaultsIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  /** Names only Postern prints, and why. */
  private static final Map<String, String> POSTERN_ONLY = Map.of(
      "fallback_relay", "legacy name that Postfix resolves in smtp_fallback_relay's default but does not list",
      "virtual_maps", "legacy name that Postfix resolves in virtual_alias_maps's default but does not list",
      "postern_home", "Postern's installation directory (read-only)",
      "requiretls_request_maps", "Postern's REQUIRETLS requested by policy (docs/requiretls.md)");

  /** Names only Postfix prints, and why. */
  private static final Map<String, String> POSTFIX_ONLY = Map.of(
      "process_id", "the PID of the postconf process itself; Postern's daemons are not processes",
      "process_name", "the name of the postconf process itself");

  /** Names both print with different defaults, and why. */
  private static final Map<String, String> DIFFERENT_DEFAULT = Map.ofEntries(
      Map.entry("mail_name", "Postern's own name in banners and bounces"),
      Map.entry("mail_version", "Postern's version"),
      Map.entry("syslog_name", "Postern logs as postern, not postfix"),
      Map.entry("default_database_type", "Berkeley DB (hash) is not available; lmdb is Postern's indexed type"),
      Map.entry("compatibility_level", "Postern has no backwards-compatible mode: it behaves as 3.11"),
      Map.entry("config_directory", "computed: the directory of the main.cf read (-c)"),
      Map.entry("myhostname", "computed from this host"),
      Map.entry("mydomain", "computed from this host"),
      Map.entry("mynetworks", "computed from this host's interfaces and mynetworks_style"),
      Map.entry("shlib_directory", "the peer is built without shared libraries (\"no\"); Postern prints Debian's"),
      Map.entry("smtpd_sasl_type", "the peer is built with dovecot as its default; Postfix's stock default is cyrus"));

  @TempDir Path postfixDir;
  @TempDir Path posternDir;

  @Test
  void postconfDefaults_sameNamesAndTextsAsPostfix312_exceptListed() throws Exception {
    Map<String, String> postfix = defaults(List.of(Postfix312.program("postconf").toString(),
        "-c", setUp(postfixDir).toString(), "-d"));
    Map<String, String> postern = defaults(List.of(PosternInstance.HOME.resolve("bin/postconf").toString(),
        "-c", setUp(posternDir).toString(), "-d"));

    Set<String> onlyPostern = new TreeSet<>(postern.keySet());
    onlyPostern.removeAll(postfix.keySet());
    onlyPostern.removeIf(n -> n.startsWith("postern_") || POSTERN_ONLY.containsKey(n));
    assertThat(onlyPostern).as("names only Postern's postconf -d prints").isEmpty();

    Set<String> onlyPostfix = new TreeSet<>(postfix.keySet());
    onlyPostfix.removeAll(postern.keySet());
    onlyPostfix.removeAll(POSTFIX_ONLY.keySet());
    assertThat(onlyPostfix).as("names only Postfix 3.12's postconf -d prints").isEmpty();

    Map<String, String> differing = new TreeMap<>();
    postfix.forEach((name, text) -> {
      if (postern.containsKey(name) && !postern.get(name).equals(text)
          && !DIFFERENT_DEFAULT.containsKey(name)) {
        differing.put(name, "Postfix: " + text + " | Postern: " + postern.get(name));
      }
    });
    assertThat(differing).as("defaults that differ from Postfix 3.12's").isEmpty();
  }

  private static Path setUp(Path dir) throws Exception {
    Files.writeString(dir.resolve("main.cf"), "");
    try (var in = PostconfDefaultsIT.class.getResourceAsStream("/dropin/postconf-master.cf")) {
      Files.write(dir.resolve("master.cf"), in.readAllBytes());
    }
    return dir;
  }

  private static Map<String, String> defaults(List<String> argv) throws Exception {
    PosternInstance.Result r = Commands.ok(argv, null, LIMIT);
    Map<String, String> m = new TreeMap<>();
    for (String line : r.out().split("\n")) {
      int eq = line.indexOf(" =");
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 2).strip());
      }
    }
    assertThat(m).as("postconf -d output of " + argv).hasSizeGreaterThan(500);
    return m;
  }
}
