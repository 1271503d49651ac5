package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Postfix 3.11's {@code non_empty_end_of_header_action} (issue 17) on Postfix 3.12 and on Postern
 * side by side, with {@code add_header}: a message whose header ends in a line that is neither a
 * header nor empty gets {@code MIME-Error: message header was not terminated by empty line} and
 * an empty line before that text, which becomes the first body line; a well-formed message gets
 * neither. Compared: the receiver's {@code MIME-Error:} header and first body line, the status
 * lines, and the bounce when the receiver refuses such a message.
 *
 * <p>Receivers on 127.0.82.x.
 */
class NonEmptyEndOfHeaderDifferentialIT {
  private static final String NET = "127.0.82";

  static final List<Scenario> CELLS = Scenarios.selected(allCells());

  @TempDir static Path dir;
  private static DifferentialWorld world;

  private static List<Scenario> allCells() {
    Scenario plain = new Scenario("wellformed", List.of(), Receiver.PLAIN, Submission.SENDMAIL, List.of());
    Scenario broken = new Scenario("nonheader", List.of(), Receiver.PLAIN, Submission.SENDMAIL,
        List.of("this line is not a header"));
    Scenario bounced = new Scenario("nonheader-bounced", List.of(), Receiver.REJECTS,
        Submission.SENDMAIL, List.of("this line is not a header"));
    return List.of(plain, broken, bounced);
  }

  static Stream<Scenario> scenarios() {
    return CELLS.stream();
  }

  @BeforeAll
  static void start() throws Exception {
    world = DifferentialWorld.start(dir, NET, List.of("non_empty_end_of_header_action = add_header"), CELLS);
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
    if (s.name().equals("nonheader")) {
      // The reference did what the cell is about, so agreeing is not agreeing on nothing.
      assertThat(seen.get(Mta.POSTFIX).fields())
          .containsEntry("rcvd.header.mime-error", "message header was not terminated by empty line")
          .containsEntry("rcvd.body.first-line", "this line is not a header");
    }
  }
}
