package org.postern.differential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.it.DnssecWorld;

/**
 * SMTPUTF8 to MX hosts that lack it, on Postfix 3.12 and on Postern side by side (issue 17, Postfix
 * 20250824): a message that needs SMTPUTF8 (the sender asked for it, or sendmail's autodetection
 * did, and a header holds UTF-8) goes on to the next MX host when the first does not announce
 * SMTPUTF8, and bounces with {@code 5.6.7} when none does; a message that asked for SMTPUTF8 but
 * is all ASCII is delivered to the first host without the parameter, as Postfix's {@code
 * DELIVERY_REQUIRES_SMTPUTF8} allows. Cells: no request or {@code -O smtputf8=yes}, times an
 * ASCII or a UTF-8 header, times a destination whose first MX lacks SMTPUTF8 and whose second has
 * it, and one whose only MX lacks it.
 *
 * <p>Receivers and DNS on 127.0.99.x (the DNSSEC world, see {@link DaneDifferentialIT}).
 */
class Smtputf8DifferentialIT {
  private static final String NET = "127.0.99";

  static final List<Scenario> CELLS = Scenarios.selected(allCells());

  @TempDir static Path dir;
  private static DifferentialWorld world;

  private static List<Scenario> allCells() {
    List<Scenario> cells = new ArrayList<>();
    for (Submission submission : List.of(Submission.SENDMAIL, Submission.SENDMAIL_SMTPUTF8)) {
      for (boolean utf8Header : List.of(false, true)) {
        for (String destination : List.of("next", "only")) {
          String name = String.join("-", submission == Submission.SENDMAIL ? "plainmsg" : "smtputf8",
              utf8Header ? "utf8header" : "ascii", "mx" + destination);
          List<String> headers = utf8Header ? List.of("X-Greeting: Grüße aus Zürich") : List.of();
          cells.add(new Scenario(name, List.of(), Receiver.NO_SMTPUTF8, submission, headers, Optional.empty(),
              Optional.of(destination + ".dane.test")));
        }
      }
    }
    return cells;
  }

  static DnsRecords dns() {
    String s = DnssecWorld.SIGNED;
    return new DnsRecords(
        List.of(
            "noutf8." + s + " IN A {addr:nosmtputf8}",
            "utf8." + s + " IN A {addr:plain}",
            "next." + s + " IN MX 10 noutf8." + s,
            "next." + s + " IN MX 20 utf8." + s,
            "only." + s + " IN MX 10 noutf8." + s),
        Set.of(),
        List.of(Receiver.NO_SMTPUTF8, Receiver.PLAIN));
  }

  static Stream<Scenario> scenarios() {
    return CELLS.stream();
  }

  @BeforeAll
  static void start() throws Exception {
    world = DifferentialWorld.start(dir, NET, List.of(), CELLS, Optional.of(dns()));
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
