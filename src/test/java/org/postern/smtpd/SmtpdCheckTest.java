package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.config.MainConfig;

class SmtpdCheckTest {
  private final List<String> log = new ArrayList<>();

  /** A check for client c.example[192.0.2.1] (outside mynetworks), HELO h.example, MAIL a@b.example. */
  private SmtpdCheck check(Map<String, String> params) throws Exception {
    return check(params, false);
  }

  private SmtpdCheck check(Map<String, String> params, boolean inMynetworks) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("compatibility_level", "3.11");
    all.put("myhostname", "mx.example.com");
    all.put("mydestination", "example.com");
    all.put("mynetworks", "127.0.0.1/32");
    all.put("local_recipient_maps", "");
    all.putAll(params);
    SmtpdSettings settings = TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), all));
    CheckState state = new CheckState("c.example", "192.0.2.1", inMynetworks, log::add);
    state.helo = "h.example";
    state.protocol = "ESMTP";
    state.where = "RCPT";
    state.sender = "a@b.example";
    return new SmtpdCheck(settings.access(), state);
  }

  private static Optional<String> rcpt(SmtpdCheck c, String address) {
    return c.rcpt(MailAddress.parse("<" + address + ">")).map(Reply::toString);
  }

  @Test
  void rcpt_defaultRelayRestrictions_defer454ForRemoteAndLogAsPostfix() throws Exception {
    SmtpdCheck c = check(Map.of());
    assertThat(rcpt(c, "x@other.example")).hasValue("454 4.7.1 <x@other.example>: Relay access denied");
    assertThat(log).containsExactly(
        "NOQUEUE: reject: RCPT from c.example[192.0.2.1]: 454 4.7.1 <x@other.example>: Relay access"
            + " denied; from=<a@b.example> to=<x@other.example> proto=ESMTP helo=<h.example>");
    assertThat(rcpt(c, "x@example.com")).isEmpty();
  }

  @Test
  void rcpt_rejectUnauthDestination_uses554AndInsiderPasses() throws Exception {
    Map<String, String> p = Map.of("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
    assertThat(rcpt(check(p), "x@other.example")).hasValue("554 5.7.1 <x@other.example>: Relay access denied");
    assertThat(rcpt(check(p, true), "x@other.example")).isEmpty();
  }

  @Test
  void rcpt_permitSaslAuthenticated_neverMatchesWithoutSasl() throws Exception {
    Map<String, String> p = Map.of("smtpd_relay_restrictions", "permit_sasl_authenticated, reject");
    assertThat(rcpt(check(p), "x@example.com"))
        .hasValue("554 5.7.1 <x@example.com>: Recipient address rejected: Access denied");
  }

  @Test
  void rcpt_permitAuthDestination_endsOnlyItsOwnList() throws Exception {
    Map<String, String> p = Map.of(
        "smtpd_relay_restrictions", "permit_auth_destination, reject",
        "smtpd_recipient_restrictions", "defer");
    assertThat(rcpt(check(p), "x@example.com"))
        .hasValue("450 4.3.2 <x@example.com>: Recipient address rejected: Try again later");
  }

  @Test
  void rcpt_delayReject_clientRestrictionsRunAtRcptWithClientReplyName() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_client_restrictions", "reject"));
    assertThat(c.connect()).isEmpty();
    assertThat(c.helo()).isEmpty();
    assertThat(c.mail()).isEmpty();
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("554 5.7.1 <c.example[192.0.2.1]>: Client host rejected: Access denied");
  }

  @Test
  void connect_noDelayReject_clientRestrictionsRunAtConnect() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_client_restrictions", "reject", "smtpd_delay_reject", "no"));
    assertThat(c.connect()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(554));
  }

  @Test
  void helo_noDelayReject_heloRestrictionsRunAtHelo() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_helo_restrictions", "reject_non_fqdn_helo_hostname",
        "smtpd_delay_reject", "no"));
    c.state.helo = "localhost";
    assertThat(c.helo().map(Reply::toString))
        .hasValue("504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname");
  }

  @Test
  void rcpt_invalidHelo_501() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_helo_restrictions", "reject_invalid_helo_hostname"));
    c.state.helo = "bad_host!";
    assertThat(rcpt(c, "x@example.com")).hasValue("501 5.5.2 <bad_host!>: Helo command rejected: Invalid name");
    c.state.helo = "[192.0.2.1]";
    assertThat(rcpt(c, "x@example.com")).isEmpty();
  }

  @Test
  void rcpt_invalidHelo_addressLiteralsCheckedAsPostfix() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_helo_restrictions", "reject_invalid_helo_hostname"));
    for (String bad : List.of("[192.0.2]", "[::1]", "[0.1.2.3]", "[256.0.0.1]", "[1.2.3.4.]", "[IPv6:1.2.3.4]")) {
      c.state.helo = bad;
      assertThat(rcpt(c, "x@example.com")).as(bad)
          .hasValue("501 5.5.2 <" + bad + ">: Helo command rejected: invalid ip address");
    }
    for (String good : List.of("[IPv6:::1]", "[ipv6:2001:db8::1]", "[0.0.0.0]", "[010.0.0.1]")) {
      c.state.helo = good;
      assertThat(rcpt(c, "x@example.com")).as(good).isEmpty();
    }
  }

  @Test
  void rcpt_unknownClientHostname_codeByLookupStatus() throws Exception {
    SmtpdSettings settings = TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), Map.of(
        "compatibility_level", "3.11", "mydestination", "example.com", "local_recipient_maps", "",
        "smtpd_client_restrictions",
        "reject_unknown_reverse_client_hostname, reject_unknown_client_hostname",
        "unknown_client_reject_code", "554")));
    Map<PeerName, String> cases = new java.util.LinkedHashMap<>();
    cases.put(PeerName.verified("c.example"), null);
    cases.put(PeerName.verified("c.example").unverified(PeerName.Status.FORGED),
        "554 5.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]");
    cases.put(PeerName.verified("c.example").unverified(PeerName.Status.TEMP),
        "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]");
    cases.put(PeerName.unknown(PeerName.Status.PERM),
        "554 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]");
    cases.put(PeerName.unknown(PeerName.Status.TEMP),
        "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]");
    for (Map.Entry<PeerName, String> e : cases.entrySet()) {
      CheckState state = new CheckState(e.getKey(), "192.0.2.1", false, log::add);
      state.where = "RCPT";
      SmtpdCheck c = new SmtpdCheck(settings.access(), state);
      assertThat(rcpt(c, "x@example.com")).as(e.getKey().toString()).isEqualTo(Optional.ofNullable(e.getValue()));
    }
    assertThat(log).contains("NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.25 Client host"
        + " rejected: cannot find your hostname, [192.0.2.1]; to=<x@example.com> proto=SMTP");
  }

  @Test
  void rcpt_serverAccessOnAddressLiteral_rejectsAndForbidsOk() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_helo_restrictions",
        "check_helo_a_access inline:{ { 192.0.2.66 = REJECT bad host }, 192.0.2.67=OK }"));
    c.state.helo = "[192.0.2.66]";
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("554 5.7.1 <[192.0.2.66]>: Helo command rejected: bad host");
    c.state.helo = "[192.0.2.67]";
    assertThat(rcpt(c, "x@example.com")).hasValue("451 4.3.5 Server configuration error");
    assertThat(log).contains("warning: restriction check_helo_a_access returns OK for [192.0.2.67]",
        "warning: this is not allowed for security reasons");
    c.state.helo = "[192.0.2.1]";
    assertThat(rcpt(c, "x@example.com")).isEmpty();
  }

  @Test
  void rcpt_nonFqdnSenderAndRecipient_504() throws Exception {
    // A bare "x" is x@$myorigin to the relay check: that domain must be local to get this far.
    SmtpdCheck c = check(Map.of("smtpd_sender_restrictions", "reject_non_fqdn_sender",
        "smtpd_recipient_restrictions", "reject_non_fqdn_recipient",
        "mydestination", "example.com, $myhostname"));
    c.state.sender = "user@localhost";
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("504 5.5.2 <user@localhost>: Sender address rejected: need fully-qualified address");
    c.state.sender = "";
    assertThat(rcpt(c, "x")).hasValue("504 5.5.2 <x>: Recipient address rejected: need fully-qualified address");
  }

  @Test
  void rcpt_warnIfReject_logsRejectWarningAndGoesOn() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "warn_if_reject, reject, permit"));
    assertThat(rcpt(c, "x@example.com")).isEmpty();
    assertThat(log).singleElement().asString().startsWith("NOQUEUE: reject_warning: RCPT from c.example[192.0.2.1]: 554 5.7.1");
  }

  @Test
  void rcpt_deferIfPermit_turnsLaterPermitInto450() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "defer_if_permit, permit"));
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("450 4.7.0 <x@example.com>: Recipient address rejected: defer_if_permit requested");
  }

  @Test
  void rcpt_deferIfReject_turnsLaterRejectInto450() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "defer_if_reject, reject"));
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("450 4.7.0 <x@example.com>: Recipient address rejected: defer_if_reject requested");
  }

  @Test
  void rcpt_unauthPipelining_503() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "reject_unauth_pipelining"));
    assertThat(rcpt(c, "x@example.com")).isEmpty();
    c.state.illegalPipelining = true;
    assertThat(rcpt(c, "x@example.com")).hasValue(
        "503 5.5.0 <x@example.com>: Recipient address rejected: Improper use of SMTP command pipelining");
  }

  @Test
  void rcpt_unlistedLocalRecipient_550UserUnknown() throws Exception {
    SmtpdCheck c = check(Map.of("local_recipient_maps", "inline:{ alice=x, postmaster=x }",
        "recipient_delimiter", "+"));
    assertThat(rcpt(c, "bob@example.com")).hasValue(
        "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table");
    assertThat(rcpt(c, "alice+tag@example.com")).isEmpty();
    assertThat(rcpt(c, "bob@other.example")).hasValue("454 4.7.1 <bob@other.example>: Relay access denied");
  }

  @Test
  void rcpt_addressLiteralOfInetOrProxyInterface_isLocalNotRelay() throws Exception {
    SmtpdCheck c = check(Map.of("inet_interfaces", "127.0.0.1", "proxy_interfaces", "198.51.100.7",
        "local_recipient_maps", "inline:{ postmaster=x }"));
    assertThat(rcpt(c, "postmaster@[127.0.0.1]")).isEmpty();
    assertThat(rcpt(c, "postmaster@[198.51.100.7]")).isEmpty();
    assertThat(rcpt(c, "bob@[127.0.0.1]")).hasValue(
        "550 5.1.1 <bob@[127.0.0.1]>: Recipient address rejected: User unknown in local recipient table");
    assertThat(rcpt(c, "postmaster@[192.0.2.9]"))
        .hasValue("454 4.7.1 <postmaster@[192.0.2.9]>: Relay access denied");
  }

  @Test
  void rcpt_addressLiteralWithInetInterfacesAll_anyLoopbackIsLocal() throws Exception {
    SmtpdCheck c = check(Map.of("inet_interfaces", "all"));
    assertThat(rcpt(c, "postmaster@[127.0.0.1]")).isEmpty();
    assertThat(rcpt(c, "postmaster@[IPv6:::1]")).isEmpty();
  }

  @Test
  void rcpt_unlistedSender_onlyWhenEnabled() throws Exception {
    Map<String, String> p = new HashMap<>(Map.of("local_recipient_maps", "inline:{ alice=x }"));
    SmtpdCheck off = check(p);
    off.state.sender = "mallory@example.com";
    assertThat(rcpt(off, "alice@example.com")).isEmpty();
    p.put("smtpd_reject_unlisted_sender", "yes");
    SmtpdCheck on = check(p);
    on.state.sender = "mallory@example.com";
    assertThat(rcpt(on, "alice@example.com")).hasValue(
        "550 5.1.0 <mallory@example.com>: Sender address rejected: User unknown in local recipient table");
  }

  @Test
  void rcpt_brokenTable_451TemporaryLookupFailure() throws Exception {
    SmtpdCheck c = check(Map.of("local_recipient_maps", "texthash:/nonexistent/postern/map"));
    assertThat(rcpt(c, "alice@example.com"))
        .hasValue("451 4.3.0 <alice@example.com>: Temporary lookup failure");
  }

  @Test
  void rcpt_postmasterWithoutDomain_isAlwaysAccepted() throws Exception {
    assertThat(rcpt(check(Map.of("smtpd_recipient_restrictions", "reject")), "postmaster")).isEmpty();
  }

  @Test
  void data_dataRestrictions_useDataReplyName() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_data_restrictions", "reject"));
    c.state.where = "DATA";
    assertThat(c.data().map(Reply::toString)).hasValue("554 5.7.1 <DATA>: Data command rejected: Access denied");
  }

  @Test
  void endOfData_endOfDataRestrictions_logWithQueueId() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_end_of_data_restrictions", "defer"));
    c.state.where = "END-OF-MESSAGE";
    c.state.queueId = "4ABC";
    assertThat(c.endOfData().map(Reply::toString))
        .hasValue("450 4.3.2 <END-OF-MESSAGE>: End-of-data rejected: Try again later");
    assertThat(log).singleElement().asString().startsWith("4ABC: reject: END-OF-MESSAGE from ");
  }
}
