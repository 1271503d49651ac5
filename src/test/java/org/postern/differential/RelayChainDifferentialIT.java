package org.postern.differential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The receive side end to end (issue 12): each cell is a chain run twice, Postfix 3.12 (its
 * {@code sendmail}, with or without {@code -O requiretls=yes}) → Postern's smtpd → Postern's smtp
 * client → receiver, and Postern → Postfix 3.12 → receiver. The client leg reaches one of the
 * relay's {@link RelayListener}s (STARTTLS + REQUIRETLS, STARTTLS only, no STARTTLS) under an
 * {@code smtp_requiretls_policy}; the relay leg goes on under its own policy to a {@link Receiver}.
 * Compared: both status lines ({@code client.log.*}: the sender's, {@code log.*}: the relay's),
 * what the receiver saw (MAIL FROM parameters, Require-TLS-ESMTP and TLS-Required headers, the
 * {@code with} protocols of the Received headers) and the bounce. In a difference, {@code
 * postfix=} is the chain that Postfix 3.12 sent (Postern relayed), {@code postern=} the mirror.
 *
 * <p>Listeners and receivers on 127.0.89.x.
 */
class RelayChainDifferentialIT {
  private static final String NET = "127.0.89";

  static final List<Scenario> CELLS = Scenarios.selected(allCells());

  @TempDir static Path dir;
  private static DifferentialWorld world;

  private static List<Scenario> allCells() {
    List<Scenario> cells = new ArrayList<>();
    for (boolean asked : List.of(true, false)) {
      // The client leg under enforce to each kind of relay listener.
      for (RelayListener l : List.of(RelayListener.STARTTLS, RelayListener.PLAIN)) {
        cells.add(chain(asked, "enforce", "verify", l, "enforce", Receiver.REQUIRETLS));
      }
      // The relay leg: each policy to each receiver.
      for (String relayPolicy : List.of("enforce", "opportunistic", "opportunistic+starttls")) {
        for (Receiver r : List.of(Receiver.REQUIRETLS, Receiver.STARTTLS, Receiver.PLAIN)) {
          cells.add(chain(asked, "enforce", "verify", RelayListener.REQUIRETLS, relayPolicy, r));
        }
      }
    }
    // Opportunistic on the client leg, and encrypt to a relay without STARTTLS.
    cells.add(chain(true, "opportunistic", "may", RelayListener.REQUIRETLS, "enforce", Receiver.REQUIRETLS));
    cells.add(chain(true, "opportunistic", "may", RelayListener.PLAIN, "enforce", Receiver.REQUIRETLS));
    cells.add(chain(false, "opportunistic", "encrypt", RelayListener.PLAIN, "opportunistic", Receiver.STARTTLS));
    // TLS-Required: no travels with the message and relaxes the relay leg too.
    for (Receiver r : List.of(Receiver.PLAIN, Receiver.WRONG_CERT)) {
      Scenario s = chain(false, "opportunistic", "may", RelayListener.REQUIRETLS, "opportunistic", r);
      cells.add(new Scenario(s.name(), s.overrides(), r, s.submission(), s.headers(),
          Optional.of(new RelayHop(RelayListener.REQUIRETLS, List.of("smtp_tls_security_level=verify"))))
          .withHeader("tlsrequired-no", "TLS-Required: no"));
    }
    return cells;
  }

  /**
   * A chain cell: a REQUIRETLS message ({@code asked}) or not, sent under {@code clientPolicy} at
   * TLS {@code level} to the relay's {@code listener}, relayed under {@code relayPolicy} (at
   * verify: REQUIRETLS needs certificate matching) to {@code receiver}.
   */
  private static Scenario chain(
      boolean asked, String clientPolicy, String level, RelayListener listener, String relayPolicy, Receiver receiver) {
    String name = String.join("-", asked ? "rt" : "plainmsg", abbreviation(clientPolicy), level, "via",
        listener.label, abbreviation(relayPolicy), receiver.label);
    return new Scenario(
        name,
        List.of("smtp_tls_security_level=" + level, "smtp_requiretls_policy=" + clientPolicy),
        receiver,
        asked ? Submission.SENDMAIL_REQUIRETLS : Submission.SENDMAIL,
        List.of(),
        Optional.of(new RelayHop(listener, List.of("smtp_tls_security_level=verify", "smtp_requiretls_policy=" + relayPolicy))));
  }

  private static String abbreviation(String policy) {
    return switch (policy) {
      case "opportunistic" -> "opp";
      case "opportunistic+starttls" -> "oppst";
      default -> policy;
    };
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
  void chain_postfix312AndPostern_sameOutcome(Scenario s) throws Exception {
    Map<Mta, Observation> seen = world.observe(s);

    Differences.assertAgree(s, seen);
  }
}
