package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

class RequireTlsPolicyCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Answers "opportunistic" for example.com and its subdomains, as a one-entry hash: table. */
  private static final class FakeSiteTable implements LookupTable {
    @Override
    public String spec() {
      return "hash:/etc/postfix/requiretls-per-site";
    }

    @Override
    public MatchStyle matchStyle() {
      return MatchStyle.FIXED;
    }

    @Override
    public Optional<String> find(String key) {
      return key.equals(".example.com") ? Optional.of("opportunistic") : Optional.empty();
    }
  }

  private final TableOpener opener =
      spec -> {
        if (spec.equals("hash:/etc/postfix/requiretls-per-site")) {
          return new FakeSiteTable();
        }
        throw new TableException(spec + ": no such table");
      };

  private int run(String mainCf, String... args) throws IOException {
    Files.writeString(dir.resolve("main.cf"), mainCf);
    RequireTlsPolicyCommand command =
        new RequireTlsPolicyCommand(
            opener,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    List<String> argv = new java.util.ArrayList<>(List.of("-c", dir.toString()));
    argv.addAll(List.of(args));
    return command.execute(argv);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void execute_nexthops_printsActionAndSource() throws IOException {
    int status =
        run(
            "smtp_requiretls_policy = hash:/etc/postfix/requiretls-per-site enforce\n",
            "mx.example.com",
            "[mail.example.net]:25");

    assertThat(status).isZero();
    assertThat(stdout())
        .isEqualTo(
            "mx.example.com: opportunistic (hash:/etc/postfix/requiretls-per-site: .example.com)\n"
                + "[mail.example.net]:25: enforce (policy item: enforce)\n");
  }

  @Test
  void execute_defaultPolicyWithRealTables_matchesPostfixDefaults() throws IOException {
    Files.writeString(dir.resolve("main.cf"), "mydomain = bücher.example\n");
    RequireTlsPolicyCommand command =
        new RequireTlsPolicyCommand(
            org.postern.table.Tables::open,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    int status =
        command.execute(
            List.of("-c", dir.toString(), "mail.example.net", "127.0.0.1", "localhost",
                "mx.xn--bcher-kva.example", "[2001:db8::1]:25"));

    assertThat(status).isZero();
    assertThat(stdout())
        .isEqualTo(
            "mail.example.net: enforce (policy item: enforce)\n"
                + "127.0.0.1: opportunistic (cidr:{...}: 127.0.0.1)\n"
                + "localhost: opportunistic (inline:{...}: localhost)\n"
                + "mx.xn--bcher-kva.example: opportunistic (inline:{...}: .xn--bcher-kva.example)\n"
                + "[2001:db8::1]:25: opportunistic (cidr:{...}: 2001:db8::1)\n");
  }

  @Test
  void execute_lmtpUnixSocket_usesMyhostnameAndLmtpPolicy() throws IOException {
    int status =
        run(
            "myhostname = mx.example.com\n"
                + "smtp_requiretls_policy = disable\n"
                + "lmtp_requiretls_policy = hash:/etc/postfix/requiretls-per-site\n",
            "-t",
            "lmtp",
            "unix:private/dovecot-lmtp");

    assertThat(status).isZero();
    assertThat(stdout())
        .isEqualTo(
            "unix:private/dovecot-lmtp: opportunistic"
                + " (hash:/etc/postfix/requiretls-per-site: .example.com)\n");
  }

  @Test
  void execute_policyError_printsErrorAndExitsTempfail() throws IOException {
    int status = run("smtp_requiretls_policy = enforec\n", "example.org");

    assertThat(status).isEqualTo(Sysexits.EX_TEMPFAIL);
    assertThat(stdout())
        .isEqualTo(
            "example.org: error (smtp_requiretls_policy: unknown policy action: \"enforec\")\n");
  }

  @Test
  void execute_badTransport_isUsageError() throws IOException {
    assertThat(run("", "-t", "uucp", "example.org")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: requiretls-policy");
  }

  @Test
  void execute_noNexthop_isUsageError() throws IOException {
    assertThat(run("")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(stdout()).isEmpty();
  }

  @Test
  void execute_missingMainCf_isConfigError() {
    RequireTlsPolicyCommand command =
        new RequireTlsPolicyCommand(
            opener,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    int status = command.execute(List.of("-c", dir.resolve("nowhere").toString(), "example.org"));

    assertThat(status).isEqualTo(Sysexits.EX_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("main.cf");
  }
}
