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
 * The SMTP client's REQUIRETLS matrix run on Postfix 3.12 and on Postern side by side (issue 12):
 * every {@code smtp_requiretls_policy} action, and a message that does not ask for REQUIRETLS,
 * times every TLS security level, times every {@link Receiver} behaviour; then messages with
 * {@code TLS-Required: no}, without REQUIRETLS at every level and with it under {@code enforce}
 * at {@code verify}, to every receiver. Each cell is one
 * {@link Scenario}; its two {@link Observation}s must agree field by field, except for what
 * {@link AllowList} accepts with a reason.
 */
class SmtpRequireTlsDifferentialIT {
  static final List<String> POLICIES = List.of("-", "disable", "opportunistic", "opportunistic+starttls", "enforce");
  static final List<String> LEVELS = List.of("none", "may", "encrypt", "fingerprint", "verify", "secure", "dane", "dane-only");
  static final List<Receiver> RECEIVERS = List.of(Receiver.PLAIN, Receiver.STARTTLS, Receiver.REQUIRETLS, Receiver.WRONG_CERT);

  static final List<Scenario> MATRIX = matrix();

  @TempDir static Path dir;
  private static DifferentialWorld world;

  private static List<Scenario> matrix() {
    return Scenarios.selected(allCells());
  }

  private static List<Scenario> allCells() {
    List<Scenario> cells = new ArrayList<>();
    for (String policy : POLICIES) {
      for (String level : LEVELS) {
        for (Receiver r : RECEIVERS) {
          cells.add(Scenario.requireTls(policy, level, r));
        }
      }
    }
    // TLS-Required: no (RFC 8689 section 5): no TLS policy, the level capped at may; REQUIRETLS
    // beats the header.
    for (Receiver r : RECEIVERS) {
      for (String level : LEVELS) {
        cells.add(Scenario.requireTls("-", level, r).withHeader("tlsrequired-no", "TLS-Required: no"));
      }
      cells.add(Scenario.requireTls("enforce", "verify", r).withHeader("tlsrequired-no", "TLS-Required: no"));
    }
    // A server that refuses the recipient: the reply text and the bounce.
    cells.add(Scenario.requireTls("-", "may", Receiver.REJECTS));
    cells.add(Scenario.requireTls("opportunistic", "may", Receiver.REJECTS));
    // A policy that names no action: a deferral, never "no enforcement".
    cells.add(Scenario.requireTls("bogus", "may", Receiver.STARTTLS));
    return cells;
  }

  static Stream<Scenario> scenarios() {
    return MATRIX.stream();
  }

  @BeforeAll
  static void start() throws Exception {
    world = DifferentialWorld.start(dir, "127.0.84", List.of(), MATRIX);
  }

  @AfterAll
  static void stop() throws Exception {
    Differences.finish(world, MATRIX, allCells());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario_postfix312AndPostern_sameOutcome(Scenario s) throws Exception {
    Map<Mta, Observation> seen = world.observe(s);

    Differences.assertAgree(s, seen);
  }
}
