package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.deliver.VerifyClient;
import org.postern.rewrite.TrivialRewrite;
import org.postern.table.Tables;

/**
 * {@code reject_unverified_recipient} and {@code reject_unverified_sender} with a scripted verify
 * service; the replies are those of Postfix 3.12 (checked against the peer, see
 * AddressVerificationIT).
 */
class UnverifiedAddressesTest {
  private static final String REFUSAL = "host 192.0.2.9[192.0.2.9] said: 550 5.1.1 no such user"
      + " (in reply to RCPT TO command)";

  private final List<String> log = new ArrayList<>();
  private final List<String> queried = new ArrayList<>();

  /** Answers from {@code answers} by address; an address not there makes the service fail. */
  private VerifyClient scripted(Map<String, VerifyClient.Answer> answers) {
    return new VerifyClient() {
      @Override
      public Answer query(String address) throws VerifyException {
        queried.add(address);
        Answer a = answers.get(address);
        if (a == null) {
          throw new VerifyException("no service");
        }
        return a;
      }

      @Override
      public void update(String address, AddressStatus status, String text) {
        throw new UnsupportedOperationException("smtpd never updates");
      }

      @Override
      public boolean negativeCache() {
        return true;
      }
    };
  }

  private static final Map<String, VerifyClient.Answer> ANSWERS = Map.of(
      "good@relay.example", new VerifyClient.Answer(VerifyClient.AddressStatus.OK, "250 2.1.5 Ok"),
      "bad@relay.example", new VerifyClient.Answer(VerifyClient.AddressStatus.BOUNCE, REFUSAL),
      "new@relay.example", new VerifyClient.Answer(VerifyClient.AddressStatus.TODO,
          "Address verification in progress"),
      "s@sender.example", new VerifyClient.Answer(VerifyClient.AddressStatus.BOUNCE, REFUSAL));

  private SmtpdCheck check(String... pairs) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("compatibility_level", "3.11");
    all.put("myhostname", "mx.example.com");
    all.put("mydestination", "localhost");
    all.put("mynetworks", "127.0.0.1/32");
    all.put("relay_domains", "relay.example");
    all.put("address_verify_poll_count", "1");
    all.put("smtpd_recipient_restrictions",
        "reject_unauth_destination, reject_unverified_recipient, permit");
    for (int i = 0; i < pairs.length; i += 2) {
      all.put(pairs[i], pairs[i + 1]);
    }
    MainConfig config = MainConfig.of(Path.of("/etc/postern"), all);
    SmtpdSettings settings = SmtpdSettings.fromConfig(config,
        TrivialRewrite.create(config, Tables::open), scripted(ANSWERS));
    SmtpdCheck c = new SmtpdCheck(settings.access(),
        new CheckState("c.example", "192.0.2.1", false, log::add));
    c.state.helo = "h.example";
    c.state.protocol = "ESMTP";
    c.state.where = "RCPT";
    c.state.sender = "s@sender.example";
    return c;
  }

  private static Optional<String> rcpt(SmtpdCheck c, String address) {
    return c.rcpt(MailAddress.parse("<" + address + ">")).map(Reply::toString);
  }

  @Test
  void rcpt_deliverable_isAccepted() throws Exception {
    assertThat(rcpt(check(), "good@relay.example")).isEmpty();
    assertThat(queried).containsExactly("good@relay.example");
  }

  @Test
  void rcpt_probeInFlight_isDeferredWithPostfixText() throws Exception {
    assertThat(rcpt(check(), "new@relay.example")).hasValue("450 4.1.1 <new@relay.example>:"
        + " Recipient address rejected: unverified address: Address verification in progress");
  }

  @Test
  void rcpt_refusedDownstream_defaultCodeIs450WithTheDownstreamReply() throws Exception {
    assertThat(rcpt(check(), "bad@relay.example")).hasValue("450 4.1.1 <bad@relay.example>:"
        + " Recipient address rejected: unverified address: " + REFUSAL);
  }

  @Test
  void rcpt_refusedDownstreamWithRejectCode550_isUndeliverable() throws Exception {
    SmtpdCheck c = check("unverified_recipient_reject_code", "550");
    assertThat(rcpt(c, "bad@relay.example")).hasValue("550 5.1.1 <bad@relay.example>:"
        + " Recipient address rejected: undeliverable address: " + REFUSAL);
  }

  @Test
  void rcpt_rejectReason_replacesTheDownstreamText() throws Exception {
    SmtpdCheck c = check("unverified_recipient_reject_code", "550",
        "unverified_recipient_reject_reason", "Address lookup failed");
    assertThat(rcpt(c, "bad@relay.example")).hasValue("550 5.1.1 <bad@relay.example>:"
        + " Recipient address rejected: undeliverable address: Address lookup failed");
  }

  @Test
  void rcpt_deferIfPermit_isOverruledByALaterReject() throws Exception {
    SmtpdCheck c = check("smtpd_recipient_restrictions",
        "reject_unauth_destination, reject_unverified_recipient, reject");
    assertThat(rcpt(c, "new@relay.example")).hasValue(
        "554 5.7.1 <new@relay.example>: Recipient address rejected: Access denied");
  }

  @Test
  void rcpt_tempfailActionDefer_defersAtOnce() throws Exception {
    SmtpdCheck c = check("unverified_recipient_tempfail_action", "defer",
        "smtpd_recipient_restrictions",
        "reject_unauth_destination, reject_unverified_recipient, reject");
    assertThat(rcpt(c, "new@relay.example")).hasValue("450 4.1.1 <new@relay.example>:"
        + " Recipient address rejected: unverified address: Address verification in progress");
  }

  @Test
  void rcpt_serviceFailure_isAddressVerificationProblemAndWarns() throws Exception {
    assertThat(rcpt(check(), "unknown@relay.example")).hasValue("450 4.1.1 <unknown@relay.example>:"
        + " Recipient address rejected: address verification problem");
    assertThat(log).contains("warning: verify service failure");
  }

  @Test
  void sender_refusedDownstream_usesSenderStatusAndCodes() throws Exception {
    SmtpdCheck c = check("smtpd_sender_restrictions", "reject_unverified_sender",
        "unverified_sender_reject_code", "550");
    assertThat(rcpt(c, "good@relay.example")).hasValue("550 5.1.7 <s@sender.example>:"
        + " Sender address rejected: undeliverable address: " + REFUSAL);
  }

  @Test
  void config_badTempfailAction_isRefused() {
    assertThatThrownBy(() -> check("unverified_sender_tempfail_action", "reject"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bad configuration: unverified_sender_tempfail_action = reject");
  }
}
