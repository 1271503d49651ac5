package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's acceptance, tried as a new user would: the bin/ launchers with the embedded
 * configuration in conf/, and with a broken one.
 */
class LauncherIT {
  private static final Path HOME = Path.of(System.getProperty("postern.home", ".")).toAbsolutePath();

  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(command));
    argv.set(0, HOME.resolve(argv.get(0)).toString());
    ProcessBuilder pb = new ProcessBuilder(argv).directory(HOME.toFile());
    pb.environment().remove("MAIL_CONFIG");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  static Result run(String... command) throws IOException, InterruptedException {
    return run(Map.of(), command);
  }

  @Test
  void postconfD_requireTlsParameters_printPostfix311Defaults() throws Exception {
    Result r =
        run(
            "bin/postconf", "-d", "smtp_requiretls_policy", "lmtp_requiretls_policy",
            "requiretls_enable", "requiretls_esmtp_header", "requiretls_redact_dsn");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "smtp_requiretls_policy = inline:{{${domain_to_ascii{$mydomain}}=opportunistic},"
                + " {.${domain_to_ascii{$mydomain}}=opportunistic}, {localhost=opportunistic}},"
                + " cidr:{{0.0.0.0/0 opportunistic}, {::/0 opportunistic}}, enforce\n"
                + "lmtp_requiretls_policy = opportunistic\n"
                + "requiretls_enable = yes\n"
                + "requiretls_esmtp_header = yes\n"
                + "requiretls_redact_dsn = yes\n");
  }

  @Test
  void postconfJ_parameter_printsJson() throws Exception {
    Result r = run("bin/postconf", "-j", "requiretls_enable");
    assertThat(r.status()).isZero();
    assertThat(r.out().replaceAll("\\s", "")).isEqualTo("{\"requiretls_enable\":\"yes\"}");
  }

  @Test
  void postconf_mailConfigEnvironment_selectsDirectory() throws Exception {
    Files.writeString(dir.resolve("main.cf"), "myhostname = mx.env.example\n");
    Result r = run(Map.of("MAIL_CONFIG", dir.toString()), "bin/postconf", "-h", "myhostname");
    assertThat(r.out()).isEqualTo("mx.env.example\n");
  }

  @Test
  void check_embeddedConfiguration_isValidWithoutWarnings() throws Exception {
    Result r = run("bin/postern", "check");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("is valid");
    assertThat(r.err()).doesNotContain("warning");
  }

  @Test
  void brokenMainCf_postconfAndStartFg_failNamingFileAndLine() throws Exception {
    Path cf = dir.resolve("main.cf");
    Files.writeString(cf, "myhostname = mx.example.com\nthis line has no equals sign\n");
    for (String[] command :
        List.of(
            new String[] {"bin/postconf", "-c", dir.toString()},
            new String[] {"bin/postern", "start-fg", "-c", dir.toString()})) {
      Result r = run(command);
      assertThat(r.status()).as(String.join(" ", command)).isNotZero();
      assertThat(r.err()).contains(cf + ", line 2");
    }
  }

  @Test
  void startFg_badValue_namesFileLineAndParameter() throws Exception {
    Path cf = dir.resolve("main.cf");
    Files.writeString(cf, "smtpd_timeout = soon\n");
    Result r = run("bin/postern", "start-fg", "-c", dir.toString());
    assertThat(r.status()).isEqualTo(78);
    assertThat(r.err()).contains(cf + ", line 1").contains("smtpd_timeout");
  }

  @Test
  void postmapQ_inlineAndCidrTables_answerAsPostfix() throws Exception {
    Result inline = run("bin/postmap", "-q", "example.com", "inline:{ {example.com = opportunistic} }");
    assertThat(inline.out()).isEqualTo("opportunistic\n");
    Result cidr = run("bin/postmap", "-q", "10.1.2.3", "cidr:{ {10.0.0.0/8 enforce} }");
    assertThat(cidr.out()).isEqualTo("enforce\n");
    Result missing = run("bin/postmap", "-q", "192.0.2.1", "cidr:{ {10.0.0.0/8 enforce} }");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
  }

  @Test
  void requireTlsPolicy_defaultConfiguration_choosesAsPostfix311() throws Exception {
    Result r = run("bin/postern", "requiretls-policy", "mail.example.net", "127.0.0.1", "localhost");
    assertThat(r.status()).isZero();
    assertThat(r.out().lines().toList())
        .satisfiesExactly(
            l -> assertThat(l).startsWith("mail.example.net: enforce ("),
            l -> assertThat(l).startsWith("127.0.0.1: opportunistic (cidr:"),
            l -> assertThat(l).startsWith("localhost: opportunistic (inline:"));
  }

  @Test
  void requireTlsPolicy_perSiteLmdbTableBuiltByPostmap_isConsulted() throws Exception {
    Path site = dir.resolve("requiretls-per-site");
    Files.writeString(site, "partner.example opportunistic+starttls\n.lab.example disable\n");
    assertThat(run("bin/postmap", "lmdb:" + site).status()).isZero();
    Files.writeString(
        dir.resolve("main.cf"),
        "mydomain = example.com\nsmtp_requiretls_policy = cidr:{ { 0.0.0.0/0 opportunistic } }"
            + " lmdb:" + site + " enforce\n");
    Result r =
        run("bin/postern", "requiretls-policy", "-c", dir.toString(), "partner.example",
            "mx.lab.example", "other.example");
    assertThat(r.out())
        .isEqualTo(
            "partner.example: opportunistic+starttls (lmdb:" + site + ": partner.example)\n"
                + "mx.lab.example: disable (lmdb:" + site + ": .lab.example)\n"
                + "other.example: enforce (policy item: enforce)\n");
  }

  @Test
  void postconfM_listsTableTypes() throws Exception {
    assertThat(run("bin/postconf", "-m").out().lines().toList())
        .contains("cidr", "inline", "lmdb", "cdb", "mysql", "pcre", "pgsql", "regexp", "socketmap", "static",
            "tcp", "texthash");
  }

  @Test
  void resolve_addressLiteralOfOwnInterface_isLocalOthersGoOut() throws Exception {
    Files.writeString(dir.resolve("main.cf"),
        "myhostname = mx.literal.example\ninet_interfaces = all\nproxy_interfaces = 198.51.100.7\n");
    Result r = run("bin/postern", "resolve", "-c", dir.toString(),
        "u@[127.0.0.1]", "u@[IPv6:::1]", "u@[198.51.100.7]", "u@[192.0.2.9]");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out().lines()).containsExactly(
        "u@[127.0.0.1] -> local local:mx.literal.example u@[127.0.0.1]",
        "u@[IPv6:::1] -> local local:mx.literal.example u@[IPv6:::1]",
        "u@[198.51.100.7] -> local local:mx.literal.example u@[198.51.100.7]",
        "u@[192.0.2.9] -> default smtp:[192.0.2.9] u@[192.0.2.9]");
  }
}
