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
import org.postern.deliver.ResolveException;
import org.postern.table.TableException;

/**
 * The address classes at RCPT TO and MAIL FROM, for a client outside mynetworks: example.com is
 * local, va.example a virtual alias domain, vm.example a virtual mailbox domain, relay.example a
 * relay domain.
 */
class UnlistedAddressesTest {
  private final List<String> log = new ArrayList<>();

  private SmtpdCheck check(String... pairs) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("compatibility_level", "3.11");
    all.put("myhostname", "mx.example.com");
    all.put("mydestination", "example.com, localhost");
    all.put("mynetworks", "127.0.0.1/32");
    all.put("local_recipient_maps", "inline:{ alice=x, root=x }");
    all.put("virtual_alias_domains", "va.example");
    all.put("virtual_alias_maps", "inline:{ { bob@va.example = bob@elsewhere.example },"
        + " { @catchall.example = carol@vm.example } }");
    all.put("virtual_mailbox_domains", "vm.example");
    all.put("virtual_mailbox_maps", "inline:{ carol@vm.example=vm.example/carol/ }");
    all.put("relay_domains", "relay.example");
    for (int i = 0; i < pairs.length; i += 2) {
      all.put(pairs[i], pairs[i + 1]);
    }
    return state(new SmtpdCheck(TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), all)).access(),
        new CheckState("c.example", "192.0.2.1", false, log::add)));
  }

  private static SmtpdCheck state(SmtpdCheck c) {
    c.state.helo = "h.example";
    c.state.protocol = "ESMTP";
    c.state.where = "RCPT";
    c.state.sender = "a@b.example";
    return c;
  }

  private static Optional<String> rcpt(SmtpdCheck c, String address) {
    return c.rcpt(MailAddress.parse("<" + address + ">")).map(Reply::toString);
  }

  @Test
  void rcpt_knownUserOfEachClass_isAccepted() throws Exception {
    SmtpdCheck c = check();
    assertThat(rcpt(c, "alice@example.com")).isEmpty();
    assertThat(rcpt(c, "Alice@Example.COM")).isEmpty();
    assertThat(rcpt(check("recipient_delimiter", "+"), "Alice+tag@Example.COM")).isEmpty();
    assertThat(rcpt(c, "bob@va.example")).isEmpty();
    assertThat(rcpt(c, "carol@vm.example")).isEmpty();
    assertThat(rcpt(c, "anyone@relay.example")).isEmpty();
  }

  @Test
  void rcpt_unknownUserOfEachClass_namesItsTable() throws Exception {
    SmtpdCheck c = check();
    assertThat(rcpt(c, "nobody@example.com")).hasValue(
        "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table");
    assertThat(rcpt(c, "nobody@va.example")).hasValue(
        "550 5.1.1 <nobody@va.example>: Recipient address rejected: User unknown in virtual alias table");
    assertThat(rcpt(c, "nobody@vm.example")).hasValue(
        "550 5.1.1 <nobody@vm.example>: Recipient address rejected: User unknown in virtual mailbox table");
  }

  @Test
  void rcpt_foreignDomain_isRelayAccessDenied() throws Exception {
    assertThat(rcpt(check(), "u@foreign.example"))
        .hasValue("454 4.7.1 <u@foreign.example>: Relay access denied");
  }

  @Test
  void rcpt_virtualDomainsFromTheirMaps_areAuthorizedDestinations() throws Exception {
    // Postfix's defaults: the domains are the keys of the maps themselves.
    SmtpdCheck c = check("virtual_alias_domains", "$virtual_alias_maps",
        "virtual_alias_maps", "inline:{ { va.example = x }, { bob@va.example = bob@elsewhere.example } }",
        "virtual_mailbox_domains", "$virtual_mailbox_maps",
        "virtual_mailbox_maps", "inline:{ { vm.example = x }, { carol@vm.example = carol/ } }");
    assertThat(rcpt(c, "bob@va.example")).isEmpty();
    assertThat(rcpt(c, "carol@vm.example")).isEmpty();
    assertThat(rcpt(c, "nobody@va.example")).hasValue(
        "550 5.1.1 <nobody@va.example>: Recipient address rejected: User unknown in virtual alias table");
    assertThat(rcpt(c, "nobody@vm.example")).hasValue(
        "550 5.1.1 <nobody@vm.example>: Recipient address rejected: User unknown in virtual mailbox table");
  }

  @Test
  void rcpt_virtualAliasCatchAll_isKnownInAnyDomainClass() throws Exception {
    SmtpdCheck c = check("virtual_mailbox_domains", "vm.example, catchall.example");
    assertThat(rcpt(c, "whoever@catchall.example")).isEmpty();
  }

  @Test
  void rcpt_localSpecialUsers_andEmptyLocalRecipientMaps_areNotChecked() throws Exception {
    assertThat(rcpt(check(), "MAILER-DAEMON@example.com")).isEmpty();
    assertThat(rcpt(check(), "postmaster@example.com")).isEmpty();
    assertThat(rcpt(check("local_recipient_maps", ""), "nobody@example.com")).isEmpty();
  }

  @Test
  void rcpt_relayRecipientMaps_checkRelayDomainsOnlyWhenSet() throws Exception {
    SmtpdCheck c = check("relay_recipient_maps", "inline:{ known@relay.example=x }");
    assertThat(rcpt(c, "known@relay.example")).isEmpty();
    assertThat(rcpt(c, "other@relay.example")).hasValue(
        "550 5.1.1 <other@relay.example>: Recipient address rejected: User unknown in relay recipient table");
  }

  @Test
  void rcpt_replyCodesAndTableNames_followTheirParameters() throws Exception {
    SmtpdCheck c = check("unknown_virtual_mailbox_reject_code", "450",
        "unknown_virtual_alias_reject_code", "551", "unknown_local_recipient_reject_code", "450",
        "relay_recipient_maps", "inline:{ known@relay.example=x }",
        "unknown_relay_recipient_reject_code", "450", "show_user_unknown_table_name", "no");
    assertThat(rcpt(c, "nobody@vm.example"))
        .hasValue("450 4.1.1 <nobody@vm.example>: Recipient address rejected: User unknown");
    assertThat(rcpt(c, "nobody@va.example"))
        .hasValue("551 5.1.1 <nobody@va.example>: Recipient address rejected: User unknown");
    assertThat(rcpt(c, "nobody@example.com"))
        .hasValue("450 4.1.1 <nobody@example.com>: Recipient address rejected: User unknown");
    assertThat(rcpt(c, "nobody@relay.example"))
        .hasValue("450 4.1.1 <nobody@relay.example>: Recipient address rejected: User unknown");
  }

  @Test
  void rcpt_rejectUnlistedRecipientOff_acceptsUnknownUsers() throws Exception {
    SmtpdCheck c = check("smtpd_reject_unlisted_recipient", "no");
    assertThat(rcpt(c, "nobody@vm.example")).isEmpty();
    SmtpdCheck explicit = check("smtpd_reject_unlisted_recipient", "no",
        "smtpd_recipient_restrictions", "reject_unlisted_recipient");
    assertThat(rcpt(explicit, "nobody@vm.example")).hasValue(
        "550 5.1.1 <nobody@vm.example>: Recipient address rejected: User unknown in virtual mailbox table");
  }

  @Test
  void rcpt_noUnknownRecipientChecks_acceptsUnknownUsers() throws Exception {
    SmtpdCheck c = check("receive_override_options", "no_unknown_recipient_checks");
    assertThat(rcpt(c, "nobody@vm.example")).isEmpty();
  }

  @Test
  void rcpt_unlistedRecipientExplicitAndImplicit_logsOneRejection() throws Exception {
    SmtpdCheck c = check("smtpd_recipient_restrictions", "warn_if_reject reject_unlisted_recipient");
    assertThat(rcpt(c, "nobody@vm.example")).hasValue(
        "550 5.1.1 <nobody@vm.example>: Recipient address rejected: User unknown in virtual mailbox table");
    assertThat(log).hasSize(2);
    assertThat(log.get(0)).contains("reject_warning:");
    assertThat(log.get(1)).contains("reject:");
  }

  @Test
  void mail_unlistedSender_usesSenderStatus() throws Exception {
    SmtpdCheck c = check("smtpd_reject_unlisted_sender", "yes");
    c.state.sender = "nobody@vm.example";
    assertThat(rcpt(c, "alice@example.com")).hasValue(
        "550 5.1.0 <nobody@vm.example>: Sender address rejected: User unknown in virtual mailbox table");
    c.state.sender = "nobody@va.example";
    assertThat(rcpt(c, "alice@example.com")).hasValue(
        "550 5.1.7 <nobody@va.example>: Sender address rejected: User unknown in virtual alias table");
    c.state.sender = "carol@vm.example";
    assertThat(rcpt(c, "alice@example.com")).isEmpty();
  }

  @Test
  void rcpt_errorOrRetryTransport_isRefusedWithItsText() throws Exception {
    // Debian's Postfix: 550 5.7.1 <someone@denied.test>: Recipient address rejected: go away
    SmtpdCheck c = check("relay_domains", "relay.example, denied.test, later.test", "transport_maps",
        "inline:{ { denied.test = error:5.7.1 go away }, { later.test = retry:4.4.1 not yet } }");
    assertThat(rcpt(c, "someone@denied.test"))
        .hasValue("550 5.7.1 <someone@denied.test>: Recipient address rejected: go away");
    assertThat(rcpt(c, "someone@later.test"))
        .hasValue("450 4.4.1 <someone@later.test>: Recipient address rejected: not yet");
  }

  @Test
  void rcpt_tableThatCannotAnswer_isTemporaryLookupFailure() throws Exception {
    SmtpdCheck c = check("virtual_mailbox_maps", "lmdb:/nonexistent/virtual");
    assertThat(rcpt(c, "carol@vm.example"))
        .hasValue("451 4.3.0 <carol@vm.example>: Temporary lookup failure");
  }

  @Test
  void rcpt_resolverThatCannotAnswer_isTemporaryLookupFailure() throws Exception {
    Map<String, String> p = Map.of("compatibility_level", "3.11", "myhostname", "mx.example.com");
    SmtpdSettings s = SmtpdSettings.fromConfig(MainConfig.of(Path.of("/etc/postern"), p), address -> {
      throw new ResolveException("relay_domains lookup failure: down", new TableException("down"));
    });
    SmtpdCheck c = state(new SmtpdCheck(s.access(), new CheckState("c.example", "192.0.2.1", false, log::add)));
    assertThat(rcpt(c, "u@relay.example"))
        .hasValue("451 4.3.0 <u@relay.example>: Temporary lookup failure");
  }
}
