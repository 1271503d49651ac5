package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern check} finds every problem that a start would meet, in one run, naming file,
 * line and parameter; {@code postern start} runs the same check first and starts nothing; a
 * clean configuration passes both.
 */
class ConfigCheckIT {
  private static final int EX_CONFIG = 78;

  @TempDir Path root;

  @Test
  void check_manyProblems_listsEveryOneInOneRunAndFails() throws Exception {
    PosternInstance p = PosternInstance.create(root, """
        smtpd_timeout = soon
        queue_minfree = 1000
        max_use = 10
        alias_maps = hash:/etc/aliases
        virtual_alias_maps = sqlite:/etc/postern/virtual.cf
        transport_maps = lmdb:/nonexistent/transport
        """);
    p.appendMasterCf("submission inet n - n - - smtpd\n  -o smtpd_client_message_rate_limit=10");
    Path mainCf = p.config().resolve("main.cf");

    PosternInstance.Result r = p.command("postern", "check");

    assertThat(r.status()).isEqualTo(EX_CONFIG);
    assertThat(r.err())
        .contains(mainCf + ", line " + line(mainCf, "smtpd_timeout") + ": parameter smtpd_timeout: bad time value: \"soon\"")
        .contains(mainCf + ", line " + line(mainCf, "queue_minfree") + ": parameter queue_minfree: not supported by Postern")
        .contains("parameter max_use: not supported by Postern; setting ignored")
        .contains("parameter alias_maps: table \"hash:/etc/aliases\": unsupported dictionary type: hash:"
            + " Postern does not read Berkeley DB files; rebuild with \"postmap lmdb:/etc/aliases\"")
        .contains("parameter virtual_alias_maps: table \"sqlite:/etc/postern/virtual.cf\": unsupported dictionary type: sqlite")
        .contains("parameter transport_maps: table \"lmdb:/nonexistent/transport\": /nonexistent/transport.lmdb: no such file")
        .contains("master.cf, line ")
        .contains("parameter smtpd_client_message_rate_limit: not supported by Postern");
    assertThat(r.err().lines().filter(l -> l.contains("fatal:")).count()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void check_missingLdapOrMemcacheConfigurationFile_isNamed() throws Exception {
    PosternInstance p = PosternInstance.create(root, """
        relay_recipient_maps = ldap:/nonexistent/ldap-relay.cf
        address_verify_map = memcache:/nonexistent/verify.cf
        """);

    PosternInstance.Result r = p.command("postern", "check");

    assertThat(r.status()).isEqualTo(EX_CONFIG);
    assertThat(r.err())
        .contains("parameter relay_recipient_maps: table \"ldap:/nonexistent/ldap-relay.cf\":"
            + " /nonexistent/ldap-relay.cf: no such file")
        .contains("parameter address_verify_map: table \"memcache:/nonexistent/verify.cf\":"
            + " /nonexistent/verify.cf: no such file");
  }

  @Test
  void check_unknownRestriction_isNamedWithItsService() throws Exception {
    PosternInstance p = PosternInstance.create(root,
        "smtpd_recipient_restrictions = reject_unknown_everything, reject_unauth_destination\n");

    PosternInstance.Result r = p.command("postern", "check");

    assertThat(r.status()).isEqualTo(EX_CONFIG);
    assertThat(r.err()).contains("cannot start:")
        .contains("parameter smtpd_recipient_restrictions: unknown smtpd restriction: \"reject_unknown_everything\"");
  }

  @Test
  void start_sameProblems_printsThemAllAndStartsNothing() throws Exception {
    PosternInstance p = PosternInstance.create(root,
        "smtpd_timeout = soon\nalias_maps = hash:/etc/aliases\n");

    PosternInstance.Result r = p.command("postern", "start");

    assertThat(r.status()).isNotZero();
    assertThat(r.err()).contains("parameter smtpd_timeout: bad time value")
        .contains("unsupported dictionary type: hash");
    assertThat(p.command("postern", "status").status()).isNotZero();
  }

  @Test
  void check_cleanConfiguration_isValid() throws Exception {
    PosternInstance p = PosternInstance.create(root, "");

    PosternInstance.Result r = p.command("postern", "check");

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("is valid");
  }

  private static int line(Path file, String name) throws Exception {
    var lines = Files.readAllLines(file);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith(name + " ")) {
        return i + 1;
      }
    }
    throw new AssertionError(name + " not in " + file);
  }
}
