package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsRptRecordTest {
  @Test
  void select_mailtoAndHttps_bothInOrder() {
    assertThat(TlsRptRecord.select(List.of(
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com, https://reports.example.com/v1")))
        .get().extracting(TlsRptRecord::rua).isEqualTo(List.of(
            URI.create("mailto:tlsrpt@example.com"),
            URI.create("https://reports.example.com/v1")));
  }

  @Test
  void select_otherTxtRecordsAround_theTlsrptOneCounts() {
    assertThat(TlsRptRecord.select(List.of("v=spf1 -all",
        "v=TLSRPTv1;rua=mailto:a@example.com;", "google-site-verification=x")))
        .get().extracting(TlsRptRecord::rua)
        .isEqualTo(List.of(URI.create("mailto:a@example.com")));
  }

  @Test
  void select_twoTlsrptRecords_none() {
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:a@example.com",
        "v=TLSRPTv1; rua=mailto:b@example.com"))).isEmpty();
  }

  @Test
  void select_badRecords_ignored() {
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1"))).isEmpty();
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; "))).isEmpty();
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv2; rua=mailto:a@example.com"))).isEmpty();
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; ext"))).isEmpty();
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:a@example.com, bad uri")))
        .isEmpty();
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=not-a-uri"))).isEmpty();
    assertThat(TlsRptRecord.select(List.of(" v=TLSRPTv1; rua=mailto:a@example.com")))
        .isEmpty();
  }

  @Test
  void select_extensionFieldAndUnknownScheme_extensionIgnoredSchemeSkipped() {
    assertThat(TlsRptRecord.select(List.of(
        "v=TLSRPTv1; x-ext=1; rua=ftp://example.com/r,mailto:a@example.com")))
        .get().extracting(TlsRptRecord::rua)
        .isEqualTo(List.of(URI.create("mailto:a@example.com")));
  }

  @Test
  void mailbox_queryAndPercentEncoding_decodedAddressOnly() {
    assertThat(TlsRptRecord.mailbox(URI.create("mailto:tls%2Brpt@example.com?subject=x")))
        .isEqualTo("tls+rpt@example.com");
  }
}
