package org.postern.tls;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The protocol versions and cipher suites one TLS handshake may use, from a Postfix protocol list
 * ({@link TlsProtocols}), a cipher grade ({@link CipherGrade}, whose OpenSSL cipher string {@link
 * CipherString} evaluates over the suites JSSE supports) and exclusion lists, and applied to a
 * JSSE socket with {@link SSLSocket#setSSLParameters}. The TLS 1.3 suites JSSE supports are
 * always enabled: cipher grades and exclusions do not touch them, as with OpenSSL.
 *
 * <p>Failure: {@link #of} throws {@link TlsConfigException} naming the parameter when a value
 * does not parse, when the protocols leave none JSSE can use (as configured by {@code
 * jdk.tls.disabledAlgorithms}), or when the grade and exclusions leave no suite for the TLS 1.2
 * and older protocols that are enabled.
 */
public record TlsParameters(List<String> protocols, List<String> cipherSuites) {
  /** A parameter's name and value, so that errors can name it. */
  public record Setting(String name, String value) {}

  public TlsParameters {
    protocols = List.copyOf(protocols);
    cipherSuites = List.copyOf(cipherSuites);
  }

  /**
   * The parameters for {@code protocols}, the cipher {@code grade} with the cipher lists of
   * {@code lists}, less the suites each of {@code exclusions} names.
   */
  public static TlsParameters of(Setting protocols, Setting grade, List<Setting> exclusions,
      CipherLists lists) throws TlsConfigException {
    SSLContext probe = probeContext();
    TlsProtocols versions = TlsProtocols.parse(protocols.name(), protocols.value());
    List<String> jsseProtocols = versions.jsseNames();
    if (!handshakes(probe, jsseProtocols, Optional.empty())) {
      throw new TlsConfigException(protocols.name() + " = " + protocols.value()
          + ": no TLS protocol version that Java's TLS implementation can use (JSSE has "
          + String.join(", ", usableProtocols(probe)) + ")");
    }
    Setting list = lists.of(CipherGrade.parse(grade.name(), grade.value()));
    List<CipherSuite> supported = supported(probe);
    List<CipherSuite> legacy = CipherString.select(supported, list.value(), list.name());
    for (Setting e : exclusions) {
      legacy = CipherString.exclude(legacy, e.value(), e.name());
    }
    List<String> suites = new ArrayList<>();
    supported.stream().filter(CipherSuite::tls13).forEach(s -> suites.add(s.jsseName()));
    legacy.forEach(s -> suites.add(s.jsseName()));
    if (versions.belowTls13() && legacy.isEmpty()) {
      throw new TlsConfigException(grade.name() + " = " + grade.value() + " (" + list.name()
          + exclusionText(exclusions) + "): no cipher suite for TLSv1.2 or older that Java's TLS"
          + " implementation supports");
    }
    if (!handshakes(probe, jsseProtocols, Optional.of(suites))) {
      throw new TlsConfigException(protocols.name() + " = " + protocols.value() + " with "
          + grade.name() + " = " + grade.value() + exclusionText(exclusions)
          + ": no protocol version and cipher suite that Java's TLS implementation can use");
    }
    return new TlsParameters(jsseProtocols, suites);
  }

  private static String exclusionText(List<Setting> exclusions) {
    StringBuilder out = new StringBuilder();
    for (Setting e : exclusions) {
      if (!e.value().isBlank()) {
        out.append(", ").append(e.name()).append(" = ").append(e.value());
      }
    }
    return out.toString();
  }

  /** Enables exactly these protocols and suites on {@code socket}, before its handshake. */
  public void applyTo(SSLSocket socket) {
    SSLParameters p = socket.getSSLParameters();
    p.setProtocols(protocols.toArray(String[]::new));
    p.setCipherSuites(cipherSuites.toArray(String[]::new));
    socket.setSSLParameters(p);
  }

  /** The suites JSSE supports (as {@code jdk.tls.disabledAlgorithms} allows), in its order. */
  static List<CipherSuite> supported(SSLContext context) {
    List<CipherSuite> out = new ArrayList<>();
    for (String name : context.getSupportedSSLParameters().getCipherSuites()) {
      CipherSuite.parse(name).ifPresent(out::add);
    }
    return out;
  }

  private static List<String> usableProtocols(SSLContext probe) {
    List<String> out = new ArrayList<>();
    for (TlsProtocols.Version v : TlsProtocols.Version.values()) {
      if (!v.jsseName().isEmpty() && handshakes(probe, List.of(v.jsseName()), Optional.empty())) {
        out.addFirst(v.jsseName());
      }
    }
    return out;
  }

  /**
   * Whether a client could start a handshake with {@code protocols} and {@code suites} (JSSE's
   * defaults when empty): JSSE refuses to write a ClientHello when none of the protocols is
   * allowed or no suite fits them.
   */
  private static boolean handshakes(
      SSLContext probe, List<String> protocols, Optional<List<String>> suites) {
    if (protocols.isEmpty()) {
      return false;
    }
    SSLEngine engine = probe.createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setProtocols(protocols.toArray(String[]::new));
    suites.ifPresent(s -> p.setCipherSuites(s.toArray(String[]::new)));
    engine.setSSLParameters(p);
    try {
      engine.beginHandshake();
      engine.wrap(ByteBuffer.allocate(0),
          ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
      return true;
    } catch (SSLException refused) {
      return false;
    } finally {
      engine.closeOutbound();
    }
  }

  private static SSLContext probeContext() throws TlsConfigException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }
}
