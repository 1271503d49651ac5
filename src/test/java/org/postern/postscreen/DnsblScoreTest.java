package org.postern.postscreen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.ListedAddresses;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;
import org.postern.dnsbl.DnsLists;

class DnsblScoreTest {
  @TempDir Path dir;

  /** List answers by query name; a name absent is not listed (TTL 600); "fail." names fail. */
  private record FakeLists(Map<String, ListedAddresses> answers) implements Resolver {
    @Override
    public DnsAnswer<MxRecord> mx(String domain) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ListedAddresses listed(String name) throws DnsLookupException {
      if (name.endsWith(".fail.example")) {
        throw new DnsLookupException("timeout", false);
      }
      return answers.getOrDefault(name, new ListedAddresses(List.of(), 600));
    }
  }

  private DnsblScore.Result score(String sites, Map<String, ListedAddresses> answers) throws Exception {
    Files.writeString(dir.resolve("main.cf"), "postscreen_dnsbl_sites = " + sites + "\n"
        + "postscreen_dnsbl_reply_map = inline:{ {bad.example=Bad List} }\n");
    PostscreenSettings settings = PostscreenSettings.fromConfig(MainConfig.load(dir));
    DnsblScore scorer = new DnsblScore(settings, new DnsLists(new FakeLists(answers)), Runnable::run);
    DnsblScore.Pending p = scorer.start(InetAddress.getByName("192.0.2.1"));
    p.done().join();
    return p.result();
  }

  private static ListedAddresses listed(String reply, int ttl) throws Exception {
    return new ListedAddresses(List.of(InetAddress.getByName(reply)), ttl);
  }

  @Test
  void weights_add_filtersSelect_nameOfHeaviestMatch() throws Exception {
    DnsblScore.Result r = score("bad.example=127.0.0.2*3 bad.example=127.0.0.3*5 other.example*1",
        Map.of("1.2.0.192.bad.example", listed("127.0.0.2", 3600),
            "1.2.0.192.other.example", listed("127.0.0.9", 900)));
    assertThat(r.score()).isEqualTo(4);
    assertThat(r.name()).contains("Bad List");
    assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(900));
  }

  @Test
  void allowList_negativeWeight_ttlOfThePassingAnswer() throws Exception {
    DnsblScore.Result r = score("good.example*-5 bad.example*2",
        Map.of("1.2.0.192.good.example", listed("127.0.0.5", 120)));
    assertThat(r.score()).isEqualTo(-5);
    // Not listed at bad.example (600 s) and listed at the allow-list (120 s): the smaller.
    assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void unavailableList_addsNothing_ttlClampedToTheMinimum() throws Exception {
    DnsblScore.Result r = score("list.fail.example*2", Map.of());
    assertThat(r.score()).isZero();
    assertThat(r.name()).isEqualTo(Optional.empty());
    assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(60));
  }
}
