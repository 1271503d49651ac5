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

/** access(5) results, through check_recipient_access and friends. */
class AccessResultTest {
  private final List<String> log = new ArrayList<>();

  private SmtpdCheck check(String restrictions, String table) throws Exception {
    return check(restrictions, table, "");
  }

  /** {@code restrictions inline:{table} after} as smtpd_recipient_restrictions. */
  private SmtpdCheck check(String restrictions, String table, String after) throws Exception {
    return check(restrictions, table, after, Map.of());
  }

  private SmtpdCheck check(String restrictions, String table, String after, Map<String, String> more)
      throws Exception {
    Map<String, String> all = new HashMap<>(more);
    all.put("compatibility_level", "3.11");
    all.put("myhostname", "mx.example.com");
    all.putIfAbsent("mydestination", "example.com");
    all.put("mynetworks", "127.0.0.1/32");
    all.put("local_recipient_maps", "");
    all.put("smtpd_recipient_restrictions", restrictions + " inline:{" + table + "} " + after);
    SmtpdSettings settings = TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), all));
    CheckState state = new CheckState("c.example", "192.0.2.1", false, log::add);
    state.helo = "h.example";
    state.protocol = "ESMTP";
    state.where = "RCPT";
    state.sender = "a@b.example";
    return new SmtpdCheck(settings.access(), state);
  }

  private SmtpdCheck recipientCheck(String value) throws Exception {
    return check("check_recipient_access", "{ u@example.com = " + value + " }");
  }

  private static Optional<String> rcpt(SmtpdCheck c, String address) {
    return c.rcpt(MailAddress.parse("<" + address + ">")).map(Reply::toString);
  }

  private Optional<String> result(String value) throws Exception {
    return rcpt(recipientCheck(value), "u@example.com");
  }

  @Test
  void reject_withAndWithoutText_usesAccessMapRejectCode() throws Exception {
    assertThat(result("REJECT")).hasValue("554 5.7.1 <u@example.com>: Recipient address rejected: Access denied");
    assertThat(result("REJECT go away")).hasValue("554 5.7.1 <u@example.com>: Recipient address rejected: go away");
    assertThat(result("reject 5.7.9 no")).hasValue("554 5.7.9 <u@example.com>: Recipient address rejected: no");
  }

  @Test
  void defer_usesAccessMapDeferCode() throws Exception {
    assertThat(result("DEFER")).hasValue("450 4.7.1 <u@example.com>: Recipient address rejected: Access denied");
    assertThat(result("DEFER later")).hasValue("450 4.7.1 <u@example.com>: Recipient address rejected: later");
  }

  @Test
  void numericReplies_useTheirCodeAndMatchingDsn() throws Exception {
    assertThat(result("421 closing")).hasValue("421 4.7.1 <u@example.com>: Recipient address rejected: closing");
    assertThat(result("550 5.1.1 nobody")).hasValue("550 5.1.1 <u@example.com>: Recipient address rejected: nobody");
  }

  @Test
  void allNumerical_isOk() throws Exception {
    assertThat(result("1234567")).isEmpty();
  }

  @Test
  void ok_endsTheListButDunnoGoesOn() throws Exception {
    SmtpdCheck ok = check("check_recipient_access", "{ u@example.com = OK }", "reject");
    assertThat(rcpt(ok, "u@example.com")).isEmpty();
    SmtpdCheck dunno = check("check_recipient_access", "{ u@example.com = DUNNO }", "reject");
    assertThat(rcpt(dunno, "u@example.com")).isPresent();
  }

  @Test
  void ok_inRecipientRestrictions_doesNotBypassRelayRestrictions() throws Exception {
    SmtpdCheck ok = check("check_recipient_access", "{ u@other.example = OK }");
    assertThat(rcpt(ok, "u@other.example")).hasValue("454 4.7.1 <u@other.example>: Relay access denied");
  }

  @Test
  void ok_forRoutedRecipient_isTooSuspicious() throws Exception {
    SmtpdCheck c = check("check_recipient_access", "{ relay.example = OK }", "reject",
        Map.of("smtpd_relay_restrictions", "permit", "relay_domains", "relay.example"));
    assertThat(rcpt(c, "u@relay.example")).isEmpty();
    assertThat(rcpt(c, "u%other.example@relay.example"))
        .hasValue("554 5.7.1 <u%other.example@relay.example>: Recipient address rejected: Access denied");
  }

  @Test
  void recipientAccess_looksUpTheResolvedAddress() throws Exception {
    // u%localhost@example.com resolves to u@localhost: the example.com entry does not apply.
    SmtpdCheck c = check("check_recipient_access", "{ example.com = OK }, { localhost = 550 local }",
        "reject", Map.of("smtpd_relay_restrictions", "permit", "mydestination", "example.com, localhost"));
    assertThat(rcpt(c, "u@example.com")).isEmpty();
    assertThat(rcpt(c, "u%localhost@example.com"))
        .hasValue("550 5.7.1 <u%localhost@example.com>: Recipient address rejected: local");
  }

  @Test
  void deferIfPermit_andDeferIfReject() throws Exception {
    assertThat(result("DEFER_IF_PERMIT")).hasValue(
        "450 4.7.1 <u@example.com>: Recipient address rejected: Service unavailable");
    SmtpdCheck c = check("check_recipient_access", "{ u@example.com = DEFER_IF_REJECT maybe }", "reject");
    assertThat(rcpt(c, "u@example.com")).hasValue("450 4.7.1 <u@example.com>: Recipient address rejected: maybe");
  }

  @Test
  void hold_setsActionLogsAndGoesOn() throws Exception {
    SmtpdCheck c = recipientCheck("HOLD");
    assertThat(rcpt(c, "u@example.com")).isEmpty();
    assertThat(c.state.actions().hold()).isTrue();
    assertThat(log).containsExactly("NOQUEUE: hold: RCPT from c.example[192.0.2.1]: <u@example.com>: Recipient"
        + " address triggers HOLD action; from=<a@b.example> to=<u@example.com> proto=ESMTP helo=<h.example>");
  }

  @Test
  void discard_permitsAndSkipsLaterRestrictions() throws Exception {
    SmtpdCheck c = check("check_recipient_access", "{ u@example.com = DISCARD spam }", "reject");
    assertThat(rcpt(c, "u@example.com")).isEmpty();
    assertThat(rcpt(c, "v@example.com")).isEmpty();
    assertThat(c.state.actions().discard()).isTrue();
    assertThat(log.get(0)).contains("NOQUEUE: discard: RCPT from c.example[192.0.2.1]: <u@example.com>: Recipient address spam;");
  }

  @Test
  void filterRedirectPrepend_areRecordedForCleanup() throws Exception {
    SmtpdCheck c = check("check_recipient_access",
        "{ u@example.com = FILTER smtp:[10.0.0.1]:10025 }, { v@example.com = REDIRECT w@example.com },"
            + " { x@example.com = PREPEND X-Seen: yes }");
    rcpt(c, "u@example.com");
    rcpt(c, "v@example.com");
    rcpt(c, "x@example.com");
    Envelope.Actions a = c.state.actions();
    assertThat(a.contentFilter()).hasValue("smtp:[10.0.0.1]:10025");
    assertThat(a.redirect()).hasValue("w@example.com");
    assertThat(a.prependHeaders()).containsExactly("X-Seen: yes");
    assertThat(log.get(0)).contains("filter: RCPT from c.example[192.0.2.1]: <u@example.com>: Recipient address triggers FILTER smtp:[10.0.0.1]:10025;");
  }

  @Test
  void warn_logsTextOnly() throws Exception {
    assertThat(result("WARN suspicious")).isEmpty();
    assertThat(log).singleElement().asString().startsWith("NOQUEUE: warn: RCPT from c.example[192.0.2.1]: suspicious;");
  }

  @Test
  void restrictionList_isEvaluatedInPlace() throws Exception {
    SmtpdCheck outsider = recipientCheck("permit_mynetworks, reject");
    assertThat(rcpt(outsider, "u@example.com"))
        .hasValue("554 5.7.1 <u@example.com>: Recipient address rejected: Access denied");
  }

  @Test
  void tableInsideResult_isServerConfigurationError() throws Exception {
    assertThat(result("check_client_access inline:{a=b}")).hasValue("451 4.3.5 Server configuration error");
  }

  @Test
  void clientAccess_looksUpNameThenParentsThenAddressThenNetworks() throws Exception {
    SmtpdCheck byName = check("check_client_access", "{ example = REJECT }");
    assertThat(rcpt(byName, "u@example.com"))
        .hasValue("554 5.7.1 <c.example[192.0.2.1]>: Client host rejected: Access denied");
    SmtpdCheck byNet = check("check_client_access", "{ 192.0.2 = DEFER }");
    assertThat(rcpt(byNet, "u@example.com"))
        .hasValue("450 4.7.1 <c.example[192.0.2.1]>: Client host rejected: Access denied");
    SmtpdCheck nameFirst = check("check_client_access", "{ 192.0.2.1 = REJECT }, { c.example = OK }");
    assertThat(rcpt(nameFirst, "u@example.com")).isEmpty();
  }

  @Test
  void senderAccess_nullSenderUsesAngleKey() throws Exception {
    SmtpdCheck c = check("check_sender_access", "{ <> = REJECT no bounces }");
    c.state.sender = "";
    assertThat(rcpt(c, "u@example.com")).hasValue("554 5.7.1 <>: Sender address rejected: no bounces");
  }

  @Test
  void recipientAccess_localpartAtKey() throws Exception {
    SmtpdCheck c = check("check_recipient_access", "{ abuse@ = REJECT }");
    assertThat(rcpt(c, "abuse@example.com")).isPresent();
    assertThat(rcpt(c, "other@example.com")).isEmpty();
  }
}
