/**
 * TLS security levels for the SMTP and LMTP clients: the closed set of
 * {@code smtp_tls_security_level} values ({@code none}, {@code may}, {@code encrypt},
 * {@code dane}, {@code dane-only}, {@code fingerprint}, {@code verify}, {@code secure}) with the
 * two properties other packages reason about: whether a level matches the server certificate,
 * and whether it lets a session fall back to plaintext.
 *
 * <p>Standards: RFC 3207 (STARTTLS), RFC 7672 (DANE for SMTP), RFC 8461 (MTA-STS, via the
 * {@code secure}/{@code verify} levels an MTA-STS policy source returns).
 *
 * <p>Server side: {@link org.postern.tls.ServerTlsContexts} from {@link
 * org.postern.tls.PemKeyMaterial}. Client side: {@link org.postern.tls.ClientTlsPolicy} (a level
 * with {@code match=} and other attributes, as {@code smtp_tls_policy_maps} answers), {@link
 * org.postern.tls.ClientTlsContexts} (a handshake that defers judgement) and {@link
 * org.postern.tls.ServerCertificateCheck} (PKIX trust, name matching, fingerprints), applied after
 * the handshake per level; {@link org.postern.tls.TlsaMatcher} matches a chain against
 * DNSSEC-validated TLSA records (RFC 6698, RFC 7671, RFC 7672 section 3).
 *
 * <p>Engines: {@link org.postern.tls.TlsCryptoProvider} reads {@code postern_tls_provider} at
 * daemon start and selects the {@link org.postern.tls.TlsEngine}: JSSE, or BoringSSL through
 * Netty's {@code OpenSslEngine} ({@code BoringSslServerContext}, {@code BoringSslClientContext},
 * {@code BoringSsl}), falling back to JSSE when the native library does not load. Both sides hand
 * out a {@link org.postern.tls.TlsConnection} over the plain socket, through {@link
 * org.postern.tls.ServerTlsContext} and {@link org.postern.tls.ClientTlsContext}; {@code
 * SslEngineConnection} drives an SSLEngine over a blocking socket for the engines that have no
 * socket of their own.
 *
 * <p>Protocols and ciphers: {@link org.postern.tls.TlsHandshakeSettings} picks, per role and
 * level, the Postfix protocol list ({@link org.postern.tls.TlsProtocols}), cipher grade ({@link
 * org.postern.tls.CipherGrade}, {@link org.postern.tls.CipherLists}) and exclusions that apply;
 * {@link org.postern.tls.TlsParameters} evaluates the OpenSSL cipher strings over the suites JSSE
 * supports ({@code CipherString}, {@link org.postern.tls.CipherSuite}) and sets the result on
 * each socket or engine; BoringSSL takes what it implements of it (docs/tls.md has the mapping).
 *
 * <p>Failure: an unknown level name is reported by {@code parse} as an empty result; the caller
 * names the parameter or table it came from.
 */
package org.postern.tls;
