package org.postern.smtpd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A throw-away self-signed certificate made with Debian's openssl at test time. */
final class TestCertificates {
  final Path cert;
  final Path key;

  private TestCertificates(Path cert, Path key) {
    this.cert = cert;
    this.key = key;
  }

  static TestCertificates create(Path dir, String algorithm) throws IOException, InterruptedException {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    List<String> keyOpts =
        algorithm.equals("EC")
            ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")
            : List.of("-newkey", "rsa:2048");
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "req", "-x509"));
    cmd.addAll(keyOpts);
    cmd.addAll(
        List.of(
            "-nodes", "-days", "2", "-subj", "/CN=mx.test", "-keyout", key.toString(), "-out",
            cert.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 || !Files.exists(key)) {
      throw new IOException("openssl failed: " + output);
    }
    return new TestCertificates(cert, key);
  }
}
