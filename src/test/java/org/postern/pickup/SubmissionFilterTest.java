package org.postern.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.queue.BodyType;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.Recipient;

class SubmissionFilterTest {
  private final List<String> warnings = new ArrayList<>();

  private static Envelope envelope(ClientFacts client, Map<String, String> attributes) {
    return new Envelope("alice", List.of(Recipient.of("b@example.org")), Optional.of(DsnRet.HDRS),
        Optional.of("env1"), true, true, Optional.of(BodyType.EIGHT_BIT_MIME), client, attributes);
  }

  @Test
  void filter_userFileWithRouteAttributes_routesDroppedAndWarned() {
    Envelope crafted = envelope(ClientFacts.NONE, Map.of("content_filter", "smtp:[evil.example]",
        "redirect_to", "thief@evil.example", "rewrite_context", "local"));

    Envelope kept = SubmissionFilter.filter(crafted, 1000, false, warnings::add);

    assertThat(kept.attributes()).containsExactly(Map.entry("rewrite_context", "local"));
    assertThat(warnings).containsExactlyInAnyOrder(
        "uid=1000: ignoring attribute record: content_filter=smtp:[evil.example]",
        "uid=1000: ignoring attribute record: redirect_to=thief@evil.example");
  }

  @Test
  void filter_userFileWithForgedClient_onlyHeloAndSmtpProtocolKept() {
    Envelope crafted = envelope(new ClientFacts("trusted.example", "127.0.0.1", "me", "ESMTP",
        "TLSv1.3", "TLS_AES_256_GCM_SHA384"), Map.of());

    Envelope kept = SubmissionFilter.filter(crafted, 1000, false, warnings::add);

    assertThat(kept.client()).isEqualTo(new ClientFacts("", "", "me", "ESMTP", "", ""));
    assertThat(warnings).containsExactly(
        "uid=1000: ignoring attribute record: client_name=trusted.example",
        "uid=1000: ignoring attribute record: client_address=127.0.0.1",
        "uid=1000: ignoring attribute record: tls_protocol=TLSv1.3",
        "uid=1000: ignoring attribute record: tls_cipher=TLS_AES_256_GCM_SHA384");
  }

  @Test
  void filter_userFileClaimingEsmtps_protocolDropped() {
    Envelope crafted = envelope(new ClientFacts("", "", "", "ESMTPSA", "", ""), Map.of());

    Envelope kept = SubmissionFilter.filter(crafted, 1000, false, warnings::add);

    assertThat(kept.client()).isEqualTo(ClientFacts.NONE);
    assertThat(warnings).containsExactly("uid=1000: ignoring attribute record: protocol_name=ESMTPSA");
  }

  @Test
  void filter_userFileWithUnknownAttributeOrBadRewriteContext_dropped() {
    Envelope crafted = envelope(ClientFacts.NONE, Map.of("rewrite_context", "nowhere",
        "sender_fullname", "Alice A", "x_trusted", "yes"));

    Envelope kept = SubmissionFilter.filter(crafted, 1000, false, warnings::add);

    assertThat(kept.attributes()).containsExactly(Map.entry("sender_fullname", "Alice A"));
    assertThat(warnings).containsExactlyInAnyOrder(
        "uid=1000: ignoring attribute record: rewrite_context=nowhere",
        "uid=1000: ignoring attribute record: x_trusted=yes");
  }

  @Test
  void filter_userFileTraceFlags_sendmailBvKeptMtaProbeDropped() {
    Envelope bv = envelope(ClientFacts.NONE, Map.of("trace_flags", "512"));
    Envelope forged = envelope(ClientFacts.NONE, Map.of("trace_flags", "256"));

    assertThat(SubmissionFilter.filter(bv, 1000, false, warnings::add).attributes())
        .containsExactly(Map.entry("trace_flags", "512"));
    assertThat(SubmissionFilter.filter(forged, 1000, false, warnings::add).attributes()).isEmpty();
    assertThat(warnings).containsExactly("uid=1000: ignoring attribute record: trace_flags=256");
  }

  @Test
  void filter_userFile_whatSendmailSetsPassesUnchanged() {
    Envelope sent = envelope(ClientFacts.NONE,
        Map.of("rewrite_context", "remote", "sender_fullname", "Alice A"));

    Envelope kept = SubmissionFilter.filter(sent, 1000, false, warnings::add);

    assertThat(kept).isEqualTo(sent);
    assertThat(warnings).isEmpty();
  }

  @Test
  void filter_requeuedFile_clientKeptRoutesDroppedSilently() {
    ClientFacts smtpd = new ClientFacts("mail.example.net", "192.0.2.7", "helo", "ESMTPS",
        "TLSv1.3", "TLS_AES_256_GCM_SHA384");
    Envelope requeued = envelope(smtpd, Map.of("content_filter", "scan:[127.0.0.1]:10025",
        "redirect_to", "r@example.org", "x_other", "kept"));

    Envelope kept = SubmissionFilter.filter(requeued, 0, true, warnings::add);

    assertThat(kept.client()).isEqualTo(smtpd);
    assertThat(kept.attributes()).containsExactly(Map.entry("x_other", "kept"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void filter_longValue_loggedCutAt200() {
    Envelope crafted = envelope(ClientFacts.NONE, Map.of("x", "v".repeat(500)));

    SubmissionFilter.filter(crafted, 7, false, warnings::add);

    assertThat(warnings).containsExactly("uid=7: ignoring attribute record: x=" + "v".repeat(200));
  }
}
