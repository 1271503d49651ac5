package org.postern.differential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The LMTP client's REQUIRETLS cells on Postfix 3.12 and on Postern side by side (issue 12):
 * every {@code lmtp_requiretls_policy} action, and a message that does not ask for REQUIRETLS,
 * times the TLS levels none, may, encrypt, verify and secure ({@code lmtp_tls_security_level}),
 * times an LMTP receiver without STARTTLS, with STARTTLS, and with STARTTLS and REQUIRETLS
 * (aiosmtpd's LMTP server, {@code peer_smtpd.py --lmtp}), both MTAs delivering through {@code
 * lmtp:inet:[address]:24}; then {@code TLS-Required: no} messages. Receivers on 127.0.90.3x.
 */
class LmtpRequireTlsDifferentialIT {
  private static final String NET = "127.0.90";
  static final List<String> LEVELS = List.of("none", "may", "encrypt", "verify", "secure");
  static final List<Receiver> RECEIVERS = List.of(Receiver.LMTP_PLAIN, Receiver.LMTP_STARTTLS, Receiver.LMTP_REQUIRETLS);

  static final List<Scenario> CELLS = Scenarios.selected(allCells());

  @TempDir static Path dir;
  private static DifferentialWorld world;

  private static List<Scenario> allCells() {
    List<Scenario> cells = new ArrayList<>();
    for (String policy : SmtpRequireTlsDifferentialIT.POLICIES) {
      for (String level : LEVELS) {
        for (Receiver r : RECEIVERS) {
          cells.add(Scenario.requireTls(policy, level, r));
        }
      }
    }
    for (Receiver r : RECEIVERS) {
      cells.add(Scenario.requireTls("-", "encrypt", r).withHeader("tlsrequired-no", "TLS-Required: no"));
      cells.add(Scenario.requireTls("enforce", "verify", r).withHeader("tlsrequired-no", "TLS-Required: no"));
    }
    return cells;
  }

  static Stream<Scenario> scenarios() {
    return CELLS.stream();
  }

  @BeforeAll
  static void start() throws Exception {
    world = DifferentialWorld.start(dir, NET, List.of(), CELLS);
  }

  @AfterAll
  static void stop() throws Exception {
    Differences.finish(world, CELLS, allCells());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario_postfix312AndPostern_sameOutcome(Scenario s) throws Exception {
    Map<Mta, Observation> seen = world.observe(s);

    Differences.assertAgree(s, seen);
  }
}
