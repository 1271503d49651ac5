package org.postern.tlsrpt;

import java.util.Optional;

/**
 * Why a session failed, in the spelling of RFC 8460 section 4.3.2 (the IANA registry "STARTTLS
 * Validation Result Types").
 */
public enum ResultType {
  STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
  CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
  CERTIFICATE_EXPIRED("certificate-expired"),
  CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
  VALIDATION_FAILURE("validation-failure"),
  TLSA_INVALID("tlsa-invalid"),
  DNSSEC_INVALID("dnssec-invalid"),
  DANE_REQUIRED("dane-required"),
  STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
  STS_POLICY_INVALID("sts-policy-invalid"),
  STS_WEBPKI_INVALID("sts-webpki-invalid");

  private final String spelling;

  ResultType(String spelling) {
    this.spelling = spelling;
  }

  public String spelling() {
    return spelling;
  }

  /** The result type spelled {@code text}, if RFC 8460 names one so. */
  public static Optional<ResultType> parse(String text) {
    for (ResultType t : values()) {
      if (t.spelling.equals(text)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
