package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.tls.TestPki.tlsa;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.dns.TlsaRecord;

class TlsaMatcherTest {
  @TempDir static Path dir;
  private static TestPki.Issued root;
  private static TestPki.Issued intermediate;
  private static TestPki.Issued leaf;
  private static TestPki.Issued deepLeaf;
  private static TestPki.Issued wildcard;
  private static TestPki.Issued selfSigned;
  private static final List<String> NAMES = List.of("mx.example.com", "example.com");

  @BeforeAll
  static void makeCertificates() throws Exception {
    TestPki pki = new TestPki(dir);
    root = pki.rootCa("root");
    intermediate = pki.intermediateCa("intermediate", root);
    leaf = pki.leaf("leaf", root, "mx.example.com");
    deepLeaf = pki.leaf("deep", intermediate, "mx.example.com");
    wildcard = pki.leaf("wildcard", root, "*.example.com");
    selfSigned = pki.leaf("self", null, "other.example");
  }

  private static List<X509Certificate> chain(TestPki.Issued... certs) {
    return java.util.Arrays.stream(certs).map(TestPki.Issued::certificate).toList();
  }

  @ParameterizedTest
  @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
  void matches_daneEeEachSelectorAndMatchingType_matchesLeaf(int selector, int type)
      throws Exception {
    TlsaRecord r = tlsa(3, selector, type, leaf.certificate());

    assertThat(TlsaMatcher.matches(chain(leaf, root), List.of(r), NAMES)).isTrue();
    assertThat(TlsaMatcher.matches(chain(wildcard, root), List.of(r), NAMES)).isFalse();
  }

  @Test
  void matches_daneEe_ignoresNamesAndChain() throws Exception {
    TlsaRecord r = tlsa(3, 1, 1, selfSigned.certificate());

    assertThat(TlsaMatcher.matches(chain(selfSigned), List.of(r), NAMES)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
  void matches_daneTaEachSelectorAndMatchingType_validatesLeafToAnchor(int selector, int type)
      throws Exception {
    TlsaRecord r = tlsa(2, selector, type, root.certificate());

    assertThat(TlsaMatcher.matches(chain(leaf, root), List.of(r), NAMES)).isTrue();
  }

  @Test
  void matches_daneTaRootAboveIntermediate_validatesWholePath() throws Exception {
    TlsaRecord r = tlsa(2, 1, 2, root.certificate());

    assertThat(TlsaMatcher.matches(chain(deepLeaf, intermediate, root), List.of(r), NAMES))
        .isTrue();
  }

  @Test
  void matches_daneTaIntermediate_anchorsAtIntermediate() throws Exception {
    TlsaRecord r = tlsa(2, 0, 1, intermediate.certificate());

    assertThat(TlsaMatcher.matches(chain(deepLeaf, intermediate), List.of(r), NAMES)).isTrue();
  }

  @Test
  void matches_daneTaNotInPresentedChain_noMatch() throws Exception {
    TlsaRecord r = tlsa(2, 0, 1, root.certificate());

    assertThat(TlsaMatcher.matches(chain(leaf), List.of(r), NAMES)).isFalse();
  }

  @Test
  void matches_daneTaLeafNotIssuedByAnchor_noMatch() throws Exception {
    TlsaRecord r = tlsa(2, 0, 1, root.certificate());

    assertThat(TlsaMatcher.matches(chain(selfSigned, root), List.of(r), NAMES)).isFalse();
  }

  @Test
  void matches_daneTaDescribingTheLeaf_noMatch() throws Exception {
    TlsaRecord r = tlsa(2, 0, 1, leaf.certificate());

    assertThat(TlsaMatcher.matches(chain(leaf, root), List.of(r), NAMES)).isFalse();
  }

  @Test
  void matches_daneTaLeafNameNotReferenced_noMatch() throws Exception {
    TlsaRecord r = tlsa(2, 1, 1, root.certificate());

    assertThat(TlsaMatcher.matches(chain(leaf, root), List.of(r), List.of("mx.other.example")))
        .isFalse();
    assertThat(TlsaMatcher.matches(chain(leaf, root), List.of(r), List.of("example.com")))
        .isFalse();
  }

  @Test
  void matches_daneTaNextHopDomainReferenced_matches() throws Exception {
    TestPki pki = new TestPki(dir);
    TestPki.Issued domainCert = pki.leaf("domain", root, "example.com");
    TlsaRecord r = tlsa(2, 1, 1, root.certificate());

    assertThat(TlsaMatcher.matches(chain(domainCert, root), List.of(r), NAMES)).isTrue();
  }

  @Test
  void matches_daneTaWildcard_matchesOneLabelOnly() throws Exception {
    TlsaRecord r = tlsa(2, 1, 1, root.certificate());

    assertThat(TlsaMatcher.matches(chain(wildcard, root), List.of(r), List.of("mx.example.com")))
        .isTrue();
    assertThat(TlsaMatcher.matches(chain(wildcard, root), List.of(r),
        List.of("a.mx.example.com"))).isFalse();
  }

  @Test
  void matches_pkixUsages_areIgnoredEvenWhenTheyDescribeTheChain() throws Exception {
    List<TlsaRecord> pkix = List.of(tlsa(0, 0, 1, root.certificate()),
        tlsa(1, 0, 1, leaf.certificate()));

    assertThat(TlsaMatcher.usable(pkix)).isEmpty();
    assertThat(TlsaMatcher.matches(chain(leaf, root), pkix, NAMES)).isFalse();
  }

  @Test
  void usable_unknownValuesAndBadDigestLengths_areDropped() throws Exception {
    TlsaRecord good = tlsa(3, 1, 1, leaf.certificate());
    List<TlsaRecord> rrset = List.of(good,
        TlsaRecord.of(3, 2, 1, "00".repeat(32)),
        TlsaRecord.of(3, 1, 3, "00".repeat(32)),
        TlsaRecord.of(3, 1, 1, "00".repeat(31)),
        TlsaRecord.of(3, 1, 2, "00".repeat(32)),
        TlsaRecord.of(4, 1, 1, "00".repeat(32)));

    assertThat(TlsaMatcher.usable(rrset)).containsExactly(good);
  }

  @Test
  void matches_wrongDigest_noMatch() throws Exception {
    TlsaRecord r = TlsaRecord.of(3, 1, 1, "ab".repeat(32));

    assertThat(TlsaMatcher.matches(chain(leaf, root), List.of(r), NAMES)).isFalse();
  }

  @Test
  void matches_emptyChain_noMatch() throws Exception {
    TlsaRecord r = tlsa(3, 1, 1, leaf.certificate());

    assertThat(TlsaMatcher.matches(List.of(), List.of(r), NAMES)).isFalse();
  }

  @Test
  void match_namesTheRecordAndTheDepthItMatchedAt() throws Exception {
    TlsaRecord wrong = tlsa(3, 1, 1, selfSigned.certificate());
    TlsaRecord ee = tlsa(3, 1, 1, deepLeaf.certificate());
    TlsaRecord ta = tlsa(2, 0, 1, root.certificate());

    assertThat(TlsaMatcher.match(chain(deepLeaf, intermediate, root), List.of(wrong, ta), NAMES))
        .contains(new TlsaMatcher.Match(ta, 2));
    assertThat(TlsaMatcher.match(chain(deepLeaf, intermediate, root), List.of(ee, ta), NAMES))
        .contains(new TlsaMatcher.Match(ee, 0));
    assertThat(TlsaMatcher.match(chain(deepLeaf, intermediate, root), List.of(wrong), NAMES))
        .isEmpty();
  }
}
