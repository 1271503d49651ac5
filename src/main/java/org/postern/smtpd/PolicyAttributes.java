package org.postern.smtpd;

import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.SequencedMap;
import org.postern.esmtp.Xtext;
import org.postern.policy.PolicyService;
import org.postern.tls.ClientCertificate;

/**
 * The attributes of an SMTPD access policy request, in the order and with the spellings Postfix
 * 3.12 sends them (SMTPD_POLICY_README): {@code request=smtpd_access_policy}, {@code
 * protocol_state} ({@code CONNECT}, {@code EHLO}, {@code HELO}, {@code MAIL}, {@code RCPT}, {@code
 * DATA} also for BDAT, {@code END-OF-MESSAGE}, {@code VRFY}), {@code protocol_name} ({@code SMTP}
 * or {@code ESMTP}), the client and server endpoints, {@code helo_name}, {@code sender}, {@code
 * recipient} (at DATA and END-OF-MESSAGE only when there is exactly one), {@code recipient_count}
 * (non-zero only at DATA and END-OF-MESSAGE), {@code queue_id}, {@code instance}, {@code size}
 * (the actual size once the content is in, else MAIL FROM's SIZE=), SASL, client certificate and
 * encryption details, {@code policy_context}, {@code compatibility_level} and {@code mail_version}.
 * What is unknown is sent empty, a number as 0.
 *
 * <p>Postern's differences: {@code queue_id} is known only at END-OF-MESSAGE (cleanup is opened
 * at DATA, not at MAIL FROM); {@code reverse_client_name} is the verified {@code client_name};
 * {@code tls_sni} and {@code etrn_domain} are always empty, as nothing in Postern sets them yet (no
 * SNI, no ETRN restrictions). {@code ccert_subject} and {@code ccert_issuer} are sent,
 * xtext-encoded, only for a client certificate that verified; the fingerprints for any client
 * certificate; {@code stress} is main.cf's {@code stress}, which no Postern daemon sets by itself.
 */
final class PolicyAttributes {
  private PolicyAttributes() {}

  static SequencedMap<String, String> of(CheckState state, PolicyService service, AccessPolicy policy) {
    String where = state.where.equals("BDAT") ? "DATA" : state.where;
    boolean content = where.equals("DATA") || where.equals("END-OF-MESSAGE");
    Transaction t = state.transaction;
    int count = content && t != null ? t.recipientCount() : 0;
    SequencedMap<String, String> a = new LinkedHashMap<>();
    a.put("request", "smtpd_access_policy");
    a.put("protocol_state", where);
    a.put("protocol_name", state.protocol);
    a.put("client_address", state.clientAddress);
    a.put("client_name", state.clientName);
    a.put("client_port", Integer.toString(state.clientPort));
    a.put("reverse_client_name", state.peer.reverseName());
    a.put("server_address", state.serverAddress);
    a.put("server_port", Integer.toString(state.serverPort));
    a.put("helo_name", orEmpty(state.helo));
    a.put("sender", orEmpty(state.sender));
    a.put("recipient", recipient(state, content, t));
    a.put("recipient_count", Integer.toString(count));
    a.put("queue_id", orEmpty(state.queueId));
    a.put("instance", state.instance);
    a.put("size", Long.toString(size(t)));
    a.put("etrn_domain", "");
    a.put("stress", policy.stress);
    a.put("sasl_method", orEmpty(state.saslMethod));
    a.put("sasl_username", orEmpty(state.saslUsername));
    a.put("sasl_sender", orEmpty(state.saslSender));
    Optional<ClientCertificate> cert = state.tls.flatMap(Envelope.Tls::clientCertificate);
    // Postfix names the subject and issuer only of a certificate that verified, xtext-encoded.
    Optional<ClientCertificate> trusted = cert.filter(ClientCertificate::trusted);
    a.put("ccert_subject", trusted.map(c -> Xtext.encode(c.subjectCn())).orElse(""));
    a.put("ccert_issuer", trusted.map(c -> Xtext.encode(c.issuerCn())).orElse(""));
    a.put("ccert_fingerprint", cert.map(ClientCertificate::fingerprint).orElse(""));
    a.put("ccert_pubkey_fingerprint", cert.map(ClientCertificate::pubkeyFingerprint).orElse(""));
    a.put("encryption_protocol", state.tls.map(Envelope.Tls::protocol).orElse(""));
    a.put("encryption_cipher", state.tls.map(Envelope.Tls::cipher).orElse(""));
    a.put("encryption_keysize", Integer.toString(state.tls.map(Envelope.Tls::cipherBits).orElse(0)));
    a.put("tls_sni", "");
    a.put("policy_context", service.policyContext());
    a.put("compatibility_level", policy.compatibilityLevel);
    a.put("mail_version", policy.mailVersion);
    return a;
  }

  private static String recipient(CheckState state, boolean content, Transaction t) {
    if (state.recipient != null) {
      return state.recipient;
    }
    if (content && t != null && t.recipientCount() == 1) {
      return t.firstRecipient().orElse("");
    }
    return "";
  }

  private static long size(Transaction t) {
    if (t == null) {
      return 0;
    }
    return t.received() > 0 ? t.received() : t.parameters().size().orElse(0);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
