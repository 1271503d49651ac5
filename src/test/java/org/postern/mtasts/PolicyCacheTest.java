package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCacheTest {
  private static final String TEXT = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 60\n";

  @TempDir Path tmp;

  private static ActivePolicy policy(String domain) throws Exception {
    return new ActivePolicy(domain, "id1", Instant.ofEpochSecond(1000), MtaStsPolicy.parse(TEXT),
        TEXT);
  }

  @Test
  void write_thenRead_samePolicyNoTemporaryLeft() throws Exception {
    PolicyCache cache = new PolicyCache(tmp.resolve("mta-sts"));

    cache.write(policy("Example.COM"));

    assertThat(new PolicyCache(tmp.resolve("mta-sts")).read("example.com"))
        .contains(policy("example.com"));
    try (var files = Files.list(tmp.resolve("mta-sts"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("example.com");
    }
  }

  @Test
  void read_missingOrCorrupt_empty() throws Exception {
    PolicyCache cache = new PolicyCache(tmp);
    assertThat(cache.read("example.com")).isEmpty();

    Files.writeString(tmp.resolve("example.com"), "domain: example.com\nid: x\nfetched: 1\n\nmode: bad\n");
    assertThat(cache.read("example.com")).isEmpty();

    Files.writeString(tmp.resolve("example.com"), "domain: other.com\nid: x\nfetched: 1\n\n" + TEXT);
    assertThat(cache.read("example.com")).isEmpty();
  }

  @Test
  void write_unsafeDomainName_notStored() throws Exception {
    PolicyCache cache = new PolicyCache(tmp.resolve("c"));

    cache.write(policy("../../etc"));
    cache.write(policy(".hidden"));

    assertThat(tmp.resolve("c")).doesNotExist();
    assertThat(cache.read("../../etc")).isEmpty();
  }

  @Test
  void expired_afterMaxAge() throws Exception {
    ActivePolicy p = policy("example.com");

    assertThat(p.expired(Instant.ofEpochSecond(1059))).isFalse();
    assertThat(p.expired(Instant.ofEpochSecond(1060))).isTrue();
  }

  @Test
  void refreshAt_halfMaxAgeAtMostADay() throws Exception {
    assertThat(policy("example.com").refreshAt()).isEqualTo(Instant.ofEpochSecond(1030));
    String year = TEXT.replace("max_age: 60", "max_age: 31557600");
    ActivePolicy p = new ActivePolicy("example.com", "id1", Instant.ofEpochSecond(1000),
        MtaStsPolicy.parse(year), year);

    assertThat(p.refreshAt()).isEqualTo(Instant.ofEpochSecond(1000 + 86400));
    assertThat(p.expires()).isEqualTo(Instant.ofEpochSecond(1000 + 31557600));
  }

  @Test
  void writeFailure_thenRead_sameEntryOneLineReasonClearedOnSuccess() throws Exception {
    PolicyCache cache = new PolicyCache(tmp.resolve("mta-sts"));
    FetchFailure f = new FetchFailure("example.com", "id1", 3, Instant.ofEpochSecond(5000),
        "HTTP status 404\r\nX-Injected: yes");

    cache.writeFailure(f);

    assertThat(cache.readFailure("Example.com")).contains(new FetchFailure("example.com", "id1", 3,
        Instant.ofEpochSecond(5000), "HTTP status 404  X-Injected: yes"));
    assertThat(cache.read("example.com")).as("the policy file is another file").isEmpty();
    cache.clearFailure("example.com");
    assertThat(cache.readFailure("example.com")).isEmpty();
  }

  @Test
  void readFailure_corruptOrOtherDomain_empty() throws Exception {
    PolicyCache cache = new PolicyCache(tmp);
    Files.createDirectories(tmp.resolve(".failed"));
    Files.writeString(tmp.resolve(".failed/example.com"),
        "domain: example.com\nid: x\nfailures: 0\nlast: 1\nreason: r\n");
    assertThat(cache.readFailure("example.com")).isEmpty();

    Files.writeString(tmp.resolve(".failed/example.com"),
        "domain: other.com\nid: x\nfailures: 1\nlast: 1\nreason: r\n");
    assertThat(cache.readFailure("example.com")).isEmpty();
  }
}
