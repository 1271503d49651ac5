package org.postern.mtasts;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.Resolver;
import org.postern.tls.ClientTlsContexts;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 section 3.3) over a
 * TLS socket of its own, so that the policy host's addresses come from Postern's resolver and
 * not the system's: SNI and a PKIX check with the host name ({@code HTTPS} endpoint
 * identification) against the JDK's trust anchors plus {@code smtp_tls_CAfile} and {@code
 * smtp_tls_CApath}, one {@code GET}, one response. Redirects are not followed; only {@code 200}
 * with media type {@code text/plain} and a UTF-8 body of at most 64 KiB counts. The whole fetch,
 * every address tried, has one deadline.
 *
 * <p>Failure: {@link PolicyException} saying why, for DNS, connection, TLS and HTTP problems alike.
 */
final class PolicyFetcher {
  private static final int HTTPS_PORT = 443;
  private static final String PATH = "/.well-known/mta-sts.txt";

  private final Resolver resolver;
  private final InetProtocols protocols;
  private final SSLSocketFactory tls;
  private final Duration timeout;

  PolicyFetcher(Resolver resolver, InetProtocols protocols, SSLSocketFactory tls, Duration timeout) {
    this.resolver = resolver;
    this.protocols = protocols;
    this.tls = tls;
    this.timeout = timeout;
  }

  /**
   * TLS that trusts the JDK's anchors and, beside them, those of {@code check}: the SMTP
   * client's {@code smtp_tls_CAfile} and {@code smtp_tls_CApath}, as already loaded for the MX
   * hosts, so a large CA directory is read once.
   */
  static SSLSocketFactory trusting(ServerCertificateCheck check) throws TlsConfigException {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      // with no CA file or directory, ServerCertificateCheck trusts the JDK's store
      List<X509Certificate> trusted = new ArrayList<>(
          ServerCertificateCheck.create("", "", "sha256").authorities());
      trusted.addAll(check.authorities());
      for (int n = 0; n < trusted.size(); n++) {
        anchors.setCertificateEntry("anchor-" + n, trusted.get(n));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsConfigException("MTA-STS policy fetch: cannot set up trust: " + e.getMessage(),
          e);
    }
  }

  /** The policy text of {@code domain}. */
  String fetch(String domain) throws PolicyException {
    String host = "mta-sts." + domain;
    byte[] request = ("GET " + PATH + " HTTP/1.1\r\nHost: " + host
        + "\r\nUser-Agent: Postern\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    return policyText(exchange(host, HTTPS_PORT, "https://" + host + PATH, request,
        MtaStsPolicy.MAX_SIZE), host);
  }

  /**
   * Sends {@code request} (a complete HTTP/1.1 request with {@code Connection: close}) to {@code
   * host}, each of its addresses in turn until one answers, and reads the response, its body at
   * most {@code maxBody} bytes; {@code where} names the resource in errors. Shared by the policy
   * fetch and {@link HttpsPost}.
   */
  HttpResponse exchange(String host, int port, String where, byte[] request, int maxBody)
      throws PolicyException {
    long deadline = System.nanoTime() + timeout.toNanos();
    DnsAnswer<InetAddress> addresses;
    try {
      addresses = resolver.addresses(host, protocols);
    } catch (DnsLookupException e) {
      throw new PolicyException(e.getMessage(), e);
    }
    if (addresses.isEmpty()) {
      throw new PolicyException(host + ": no address records");
    }
    IOException last = null;
    for (InetAddress address : addresses.records()) {
      try {
        return exchange(host, port, address, deadline, request, maxBody);
      } catch (IOException e) {
        last = e;
      }
    }
    throw new PolicyException(where + " [" + addresses.records().getLast()
        .getHostAddress() + "]: " + message(last), last);
  }

  private HttpResponse exchange(String host, int port, InetAddress address, long deadline,
      byte[] request, int maxBody) throws IOException, PolicyException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(address, port), remaining(deadline));
      try (SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true)) {
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setProtocols(ClientTlsContexts.PROTOCOLS);
        s.setSSLParameters(p);
        s.setSoTimeout(remaining(deadline));
        s.startHandshake();
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        InputStream in = new BufferedInputStream(new DeadlineInput(s, deadline));
        return HttpResponse.read(in, maxBody);
      }
    }
  }

  static String policyText(HttpResponse r, String host) throws PolicyException {
    String where = "https://" + host + PATH;
    if (r.status() != 200) {
      throw new PolicyException(where + ": HTTP status " + r.status()
          + (r.status() / 100 == 3 ? " (redirects are not followed)" : ""));
    }
    String type = r.header("content-type").orElse("");
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
    if (!media.toLowerCase(Locale.ROOT).equals("text/plain")) {
      throw new PolicyException(where + ": media type \"" + media + "\", not text/plain");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(r.body())).toString();
    } catch (CharacterCodingException e) {
      throw new PolicyException(where + ": policy is not UTF-8", e);
    }
  }

  private static int remaining(long deadline) throws SocketTimeoutException {
    long ms = (deadline - System.nanoTime()) / 1_000_000;
    if (ms <= 0) {
      throw new SocketTimeoutException("HTTPS request timed out");
    }
    return (int) Math.min(ms, Integer.MAX_VALUE);
  }

  private static String message(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Holds each read to what is left of the fetch's deadline. */
  private static final class DeadlineInput extends FilterInputStream {
    private final Socket socket;
    private final long deadline;

    DeadlineInput(Socket socket, long deadline) throws IOException {
      super(socket.getInputStream());
      this.socket = socket;
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      socket.setSoTimeout(remaining(deadline));
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      socket.setSoTimeout(remaining(deadline));
      return super.read(b, off, len);
    }
  }
}
