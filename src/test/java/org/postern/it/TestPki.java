package org.postern.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throw-away certificate authority and server certificates made with Debian's openssl at test
 * time, so peers can verify Postern (and Postern its peers) as they would in production.
 */
public final class TestPki {
  private final Path dir;
  private final Path caCert;
  private final Path caKey;

  private TestPki(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.pem");
    this.caKey = dir.resolve("ca.key");
  }

  public static TestPki create(Path dir) throws IOException, InterruptedException {
    TestPki pki = new TestPki(Files.createDirectories(dir));
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "2", "-subj", "/CN=Postern Test CA", "-keyout", pki.caKey.toString(), "-out",
        pki.caCert.toString());
    return pki;
  }

  public Path caCert() {
    return caCert;
  }

  /** A server certificate for {@code name} signed by this CA: {cert, key} PEM files. */
  public List<Path> server(String name) throws IOException, InterruptedException {
    return issue(name, "subjectAltName=DNS:" + name + "\n");
  }

  /** A TLS server certificate for the IP address {@code address} signed by this CA: {cert, key}. */
  public List<Path> serverAddress(String address) throws IOException, InterruptedException {
    return issue(address, "subjectAltName=IP:" + address + "\n");
  }

  /**
   * A server certificate for {@code name} signed by this CA that expired a day before it was
   * issued ({@code -days -1}): {cert, key} PEM files, named {@code name-expired}.
   */
  public List<Path> expired(String name) throws IOException, InterruptedException {
    return issue(name + "-expired", name, "subjectAltName=DNS:" + name + "\n", -1);
  }

  /** A TLS client certificate with CN {@code name} signed by this CA: {cert, key} PEM files. */
  public List<Path> client(String name) throws IOException, InterruptedException {
    return issue(name, "extendedKeyUsage=clientAuth\n");
  }

  /** A certificate with CN {@code name} for TLS servers only (extendedKeyUsage serverAuth). */
  public List<Path> serverOnly(String name) throws IOException, InterruptedException {
    return issue(name, "extendedKeyUsage=serverAuth\n");
  }

  private List<Path> issue(String name, String extensions) throws IOException, InterruptedException {
    return issue(name, name, extensions, 2);
  }

  private List<Path> issue(String file, String name, String extensions, int days)
      throws IOException, InterruptedException {
    Path key = dir.resolve(file + ".key");
    Path csr = dir.resolve(file + ".csr");
    Path cert = dir.resolve(file + ".pem");
    Path ext = dir.resolve(file + ".ext");
    Files.writeString(ext, extensions, StandardCharsets.US_ASCII);
    openssl(
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
        "/CN=" + name, "-keyout", key.toString(), "-out", csr.toString());
    openssl(
        "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey",
        caKey.toString(), "-CAcreateserial", "-days", Integer.toString(days), "-extfile",
        ext.toString(), "-out", cert.toString());
    return List.of(cert, key);
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("openssl " + args[0] + " failed: " + output);
    }
  }
}
