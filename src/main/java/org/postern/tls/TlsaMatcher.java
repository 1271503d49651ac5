package org.postern.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.postern.dns.TlsaRecord;

/**
 * Matches a server's certificate chain against DNSSEC-validated TLSA records, as RFC 7672
 * section 3 narrows RFC 6698 and RFC 7671 for SMTP.
 *
 * <p>Usable records: certificate usage DANE-TA(2) or DANE-EE(3), selector Cert(0) or SPKI(1),
 * matching type Full(0), SHA2-256(1) or SHA2-512(2) with data of the right length. PKIX-TA(0) and
 * PKIX-EE(1) records, unknown values and malformed digests are unusable and ignored; an RRset with
 * none left is "unusable" (the caller downgrades {@code dane} to {@code encrypt}).
 *
 * <p>DANE-EE(3) matches the leaf certificate alone: its names and validity dates are not checked.
 * DANE-TA(2) must match a certificate (or the public key of one) that the server sent above its
 * leaf; the path from the leaf to that certificate is then validated by the JDK's PKIX validator
 * with the matched certificate as the only trust anchor, revocation off, and a DNS name of the
 * leaf must match one of the reference identifiers (RFC 7672 section 3.2.3; a certificate
 * wildcard stands for one left-most label, RFC 6125). Trust anchors that are only published in
 * DNS (a key the server did not send) are not supported: such a record matches nothing.
 */
public final class TlsaMatcher {
  /** RFC 6698 certificate usage DANE-TA. */
  public static final int DANE_TA = 2;
  /** RFC 6698 certificate usage DANE-EE. */
  public static final int DANE_EE = 3;

  /** The record that matched and the depth of the certificate it matched (0: the leaf). */
  public record Match(TlsaRecord record, int depth) {}

  private TlsaMatcher() {}

  /** The records of {@code rrset} an SMTP client may use. */
  public static List<TlsaRecord> usable(List<TlsaRecord> rrset) {
    return rrset.stream().filter(TlsaMatcher::isUsable).toList();
  }

  private static boolean isUsable(TlsaRecord r) {
    if (r.usage() != DANE_TA && r.usage() != DANE_EE) {
      return false;
    }
    if (r.selector() != 0 && r.selector() != 1) {
      return false;
    }
    int length = r.data().length;
    return switch (r.matchingType()) {
      case 0 -> length > 0;
      case 1 -> length == 32;
      case 2 -> length == 64;
      default -> false;
    };
  }

  /**
   * True when {@code chain} (leaf first, as the server sent it) matches one of the usable
   * records in {@code records}; {@code names} are the reference identifiers for DANE-TA(2).
   */
  public static boolean matches(
      List<X509Certificate> chain, List<TlsaRecord> records, List<String> names) {
    return match(chain, records, names).isPresent();
  }

  /** As {@link #matches}, naming the first record that matched and where in the chain. */
  public static Optional<Match> match(
      List<X509Certificate> chain, List<TlsaRecord> records, List<String> names) {
    if (chain.isEmpty()) {
      return Optional.empty();
    }
    for (TlsaRecord r : usable(records)) {
      if (r.usage() == DANE_EE && matchesCertificate(r, chain.getFirst())) {
        return Optional.of(new Match(r, 0));
      }
      if (r.usage() == DANE_TA) {
        OptionalInt depth = trustAnchorDepth(r, chain, names);
        if (depth.isPresent()) {
          return Optional.of(new Match(r, depth.getAsInt()));
        }
      }
    }
    return Optional.empty();
  }

  private static OptionalInt trustAnchorDepth(
      TlsaRecord r, List<X509Certificate> chain, List<String> names) {
    for (int i = 1; i < chain.size(); i++) {
      if (matchesCertificate(r, chain.get(i))
          && validates(chain.subList(0, i), chain.get(i))
          && ServerCertificateCheck.nameMatches(chain.getFirst(), names)) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /** The PKIX path from the leaf up to, not including, {@code anchor}. */
  private static boolean validates(List<X509Certificate> path, X509Certificate anchor) {
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return true;
    } catch (GeneralSecurityException untrusted) {
      return false;
    }
  }

  /** The selected part of {@code cert}, digested per matching type, equals the record data. */
  static boolean matchesCertificate(TlsaRecord r, X509Certificate cert) {
    try {
      byte[] selected =
          r.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
      byte[] associated = switch (r.matchingType()) {
        case 0 -> selected;
        case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
        case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
        default -> null;
      };
      return associated != null && MessageDigest.isEqual(associated, r.data());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
