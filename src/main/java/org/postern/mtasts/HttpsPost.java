package org.postern.mtasts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.postern.dns.InetProtocols;
import org.postern.dns.Resolver;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;

/**
 * An HTTPS {@code POST} over the policy fetcher's socket ({@link PolicyFetcher}): the host's
 * addresses from Postern's resolver, SNI and a PKIX host name check against the JDK's anchors
 * plus {@code smtp_tls_CAfile}, one request, one response read as hostile input. Used for TLS
 * reports (RFC 8460 section 5.4), which are sent where MTA-STS policies come from: the same
 * kind of client, kept in one place.
 *
 * <p>Failure: {@link IOException} naming the URI, for DNS, connection, TLS and HTTP problems
 * alike, and for any status but 2xx; redirects are not followed.
 */
public final class HttpsPost {
  private static final int MAX_RESPONSE = 64 * 1024;

  private final PolicyFetcher client;

  /** Trusting the JDK's anchors and {@code caFile}; each POST bounded by {@code timeout}. */
  public HttpsPost(Resolver resolver, InetProtocols protocols, String caFile, Duration timeout)
      throws TlsConfigException {
    this.client = new PolicyFetcher(resolver, protocols,
        PolicyFetcher.trusting(ServerCertificateCheck.create(caFile, "", "sha256")), timeout);
  }

  /** POSTs {@code body} as {@code contentType} to the {@code https:} URI {@code uri}. */
  public void post(URI uri, String contentType, byte[] body) throws IOException {
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IOException(uri + ": not an https URI");
    }
    String host = uri.getHost();
    int port = uri.getPort() < 0 ? 443 : uri.getPort();
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/"
        : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("POST " + target + " HTTP/1.1\r\nHost: " + host
        + (port == 443 ? "" : ":" + port) + "\r\nUser-Agent: Postern\r\nContent-Type: "
        + contentType + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    request.writeBytes(body);
    HttpResponse response;
    try {
      response = client.exchange(host, port, uri.toString(), request.toByteArray(),
          MAX_RESPONSE);
    } catch (PolicyException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (response.status() / 100 != 2) {
      throw new IOException(uri + ": HTTP status " + response.status());
    }
  }
}
