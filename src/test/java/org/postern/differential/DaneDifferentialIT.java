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
 * REQUIRETLS and DANE routed by MX in the DNSSEC test world, on Postfix 3.12 and on Postern side
 * by side (issue 12): a message that does not ask for REQUIRETLS, and {@code opportunistic} and
 * {@code enforce}, times the levels may, dane and dane-only, times a destination whose MX host
 * has a matching TLSA record in the signed zone, a wrong TLSA record, a bogus (expired) TLSA
 * answer, a bogus MX answer, an MX in the unsigned zone, and two with mixed MX hosts (the first
 * without STARTTLS, or with STARTTLS but no REQUIRETLS; the second with REQUIRETLS).
 *
 * <p>Postfix reads only /etc/resolv.conf: its master runs in a private mount namespace where
 * that file names unbound on 127.0.90.53:53 ({@link Postfix312#start(Path, List, List, Optional)});
 * the network stays shared, so the receivers on 127.0.90.1x and the test see the same loopback.
 */
class DaneDifferentialIT {
  private static final String NET = "127.0.90";
  static final List<String> POLICIES = List.of("-", "opportunistic", "enforce");
  static final List<String> LEVELS = List.of("may", "dane", "dane-only");
  /** The MX destinations: label, domain, first MX host's receiver. */
  static final List<List<String>> DESTINATIONS = List.of(
      List.of("signed", "signed.dane.test", "requiretls"),
      List.of("wrongtlsa", "wrongtlsa.dane.test", "requiretls"),
      List.of("bogustlsa", "bogus.dane.test", "requiretls"),
      List.of("bogusmx", "bogusmx.dane.test", "requiretls"),
      List.of("unsigned", "unsigned.insecure.dane.test", "requiretls"),
      List.of("mixedplain", "mixed.dane.test", "plain"),
      List.of("mixedstarttls", "mixedst.dane.test", "starttls"));

  static final List<Scenario> CELLS = Scenarios.selected(allCells());

  @TempDir static Path dir;
  private static DifferentialWorld world;

  private static List<Scenario> allCells() {
    List<Scenario> cells = new ArrayList<>();
    for (String policy : POLICIES) {
      for (String level : LEVELS) {
        for (List<String> d : DESTINATIONS) {
          Receiver first = Stream.of(Receiver.values()).filter(r -> r.label.equals(d.get(2))).findFirst().orElseThrow();
          Scenario s = Scenario.requireTls(policy, level, first);
          String name = s.name().substring(0, s.name().length() - first.label.length()) + "mx" + d.get(0);
          cells.add(new Scenario(name, s.overrides(), first, s.submission(), List.of(), Optional.empty(),
              Optional.of(d.get(1))));
        }
      }
    }
    return cells;
  }

  static DnsRecords dns() {
    String s = DnssecWorld.SIGNED;
    return new DnsRecords(
        List.of(
            "rt." + s + " IN A {addr:requiretls}",
            "_25._tcp.rt." + s + " IN TLSA {tlsa:requiretls}",
            "st." + s + " IN A {addr:starttls}",
            "_25._tcp.st." + s + " IN TLSA {tlsa:starttls}",
            "plain." + s + " IN A {addr:plain}",
            "wt." + s + " IN A {addr:requiretls}",
            "_25._tcp.wt." + s + " IN TLSA " + DnssecWorld.wrongTlsa(),
            "bg." + s + " IN A {addr:requiretls}",
            "_25._tcp.bg." + s + " IN TLSA {tlsa:requiretls}",
            "signed." + s + " IN MX 10 rt." + s,
            "wrongtlsa." + s + " IN MX 10 wt." + s,
            "bogus." + s + " IN MX 10 bg." + s,
            "bogusmx." + s + " IN MX 10 rt." + s,
            "mixed." + s + " IN MX 10 plain." + s,
            "mixed." + s + " IN MX 20 rt." + s,
            "mixedst." + s + " IN MX 10 st." + s,
            "mixedst." + s + " IN MX 20 rt." + s,
            "rt." + DnssecWorld.INSECURE + " IN A {addr:requiretls}",
            "unsigned." + DnssecWorld.INSECURE + " IN MX 10 rt." + DnssecWorld.INSECURE),
        Set.of("_25._tcp.bg." + s, "bogusmx." + s),
        List.of(Receiver.PLAIN, Receiver.STARTTLS, Receiver.REQUIRETLS));
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
