package org.postern.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.postern.dns.TlsaRecord;

/**
 * Throw-away certificates made by openssl at test time (EC P-256): CAs and leaf certificates
 * with DNS names, and the TLSA records that describe them.
 */
public final class TestPki {
  /** A certificate, its key and the PEM files holding them. */
  public record Issued(Path cert, Path key, X509Certificate certificate) {}

  private final Path dir;

  public TestPki(Path dir) {
    this.dir = dir;
  }

  /** A self-signed CA. */
  public Issued rootCa(String name) throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path cert = dir.resolve(name + ".pem");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext",
        "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout", key.toString(), "-out", cert.toString());
    return issued(cert, key);
  }

  /** A CA signed by {@code issuer}. */
  public Issued intermediateCa(String name, Issued issuer)
      throws IOException, InterruptedException {
    return sign(name, issuer, "basicConstraints=critical,CA:TRUE\n"
        + "keyUsage=critical,keyCertSign,cRLSign\n");
  }

  /** A server certificate signed by {@code issuer} (self-signed when null) for {@code names}. */
  public Issued leaf(String file, Issued issuer, String... names)
      throws IOException, InterruptedException {
    List<String> sans = new ArrayList<>();
    for (String n : names) {
      sans.add("DNS:" + n);
    }
    String ext = "basicConstraints=CA:FALSE\nsubjectAltName=" + String.join(",", sans) + "\n";
    if (issuer == null) {
      Path key = dir.resolve(file + ".key");
      Path cert = dir.resolve(file + ".pem");
      openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes", "-days", "2", "-subj", "/CN=" + names[0], "-addext",
          "subjectAltName=" + String.join(",", sans), "-keyout", key.toString(), "-out",
          cert.toString());
      return issued(cert, key);
    }
    return sign(file, issuer, ext);
  }

  private Issued sign(String name, Issued issuer, String extensions)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".pem");
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, extensions);
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/CN=" + name, "-keyout", key.toString(), "-out", csr.toString());
    openssl("x509", "-req", "-in", csr.toString(), "-CA", issuer.cert().toString(), "-CAkey",
        issuer.key().toString(), "-set_serial", String.valueOf(System.nanoTime()), "-days", "2",
        "-extfile", ext.toString(), "-out", cert.toString());
    return issued(cert, key);
  }

  /** A PEM file with {@code chain} in order, for a server that sends it. */
  public Path chainFile(String name, Issued... chain) throws IOException {
    StringBuilder pem = new StringBuilder();
    for (Issued c : chain) {
      pem.append(Files.readString(c.cert()));
    }
    Path file = dir.resolve(name + "-chain.pem");
    Files.writeString(file, pem);
    return file;
  }

  /** The TLSA record of {@code usage} describing {@code cert} by selector and matching type. */
  public static TlsaRecord tlsa(int usage, int selector, int matchingType, X509Certificate cert)
      throws GeneralSecurityException {
    byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
    byte[] data = switch (matchingType) {
      case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
      case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
      default -> selected;
    };
    return new TlsaRecord(usage, selector, matchingType, data);
  }

  private static Issued issued(Path cert, Path key) throws IOException {
    try (InputStream in = Files.newInputStream(cert)) {
      return new Issued(cert, key, (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(in));
    } catch (GeneralSecurityException e) {
      throw new IOException(cert + ": " + e.getMessage(), e);
    }
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + ": " + out);
    }
  }
}
