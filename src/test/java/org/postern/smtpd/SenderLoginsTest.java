package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;

class SenderLoginsTest {
  private final List<String> log = new ArrayList<>();
  @TempDir Path dir;

  /** A check with sender restriction {@code restriction}, the login map below and SASL on. */
  private SmtpdCheck check(String restriction, Map<String, String> extra) throws Exception {
    Path map = dir.resolve("logins");
    Files.writeString(map, """
        alice@example.com   alice
        shared@example.com  alice, bob carol
        postmaster          admin
        @team.example       lead
        """);
    Map<String, String> all = new HashMap<>();
    all.put("compatibility_level", "3.11");
    all.put("myhostname", "mx.example.com");
    all.put("mydestination", "example.com");
    all.put("local_recipient_maps", "");
    all.put("smtpd_sasl_auth_enable", "yes");
    all.put("smtpd_sender_login_maps", "texthash:" + map);
    all.put("smtpd_sender_restrictions", restriction);
    all.putAll(extra);
    SmtpdSettings settings = TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), all));
    CheckState state = new CheckState("c.example", "192.0.2.1", false, log::add);
    state.helo = "h.example";
    state.protocol = "ESMTP";
    state.where = "RCPT";
    return new SmtpdCheck(settings.access(), state);
  }

  private static Optional<String> mail(SmtpdCheck c, String sender, String login) {
    c.state.sender = sender;
    c.state.saslUsername = login;
    return c.rcpt(MailAddress.parse("<x@example.com>")).map(Reply::toString);
  }

  @Test
  void authenticated_ownerAnyOfSeveralInAnyCase_passes() throws Exception {
    SmtpdCheck c = check(SenderLogins.REJECT_AUTHENTICATED, Map.of());
    assertThat(mail(c, "alice@example.com", "alice")).isEmpty();
    assertThat(mail(c, "shared@example.com", "BOB")).isEmpty();
    assertThat(mail(c, "shared@example.com", "carol")).isEmpty();
  }

  @Test
  void authenticated_notOwner_553NotOwnedAndLoggedAsPostfix() throws Exception {
    SmtpdCheck c = check(SenderLogins.REJECT_AUTHENTICATED, Map.of());
    assertThat(mail(c, "alice@example.com", "bob"))
        .hasValue("553 5.7.1 <alice@example.com>: Sender address rejected: not owned by user bob");
    assertThat(log).containsExactly("NOQUEUE: reject: RCPT from c.example[192.0.2.1]: 553 5.7.1"
        + " <alice@example.com>: Sender address rejected: not owned by user bob;"
        + " from=<alice@example.com> to=<x@example.com> proto=ESMTP helo=<h.example>"
        + " sasl_username=bob");
  }

  @Test
  void authenticated_senderWithoutOwner_refusedButKnownVariantPasses() throws Exception {
    assertThat(mail(check(SenderLogins.REJECT_AUTHENTICATED, Map.of()), "nobody@other.example", "alice"))
        .hasValue("553 5.7.1 <nobody@other.example>: Sender address rejected: not owned by user alice");
    assertThat(mail(check(SenderLogins.REJECT_KNOWN, Map.of()), "nobody@other.example", "alice")).isEmpty();
    assertThat(mail(check(SenderLogins.REJECT_KNOWN, Map.of()), "alice@example.com", "bob"))
        .hasValue("553 5.7.1 <alice@example.com>: Sender address rejected: not owned by user bob");
  }

  @Test
  void unauthenticated_ownedSender_553NotLoggedIn() throws Exception {
    for (String r : List.of(SenderLogins.REJECT_UNAUTHENTICATED, SenderLogins.REJECT_MISMATCH,
        SenderLogins.REJECT_KNOWN)) {
      SmtpdCheck c = check(r, Map.of());
      assertThat(mail(c, "alice@example.com", null))
          .hasValue("553 5.7.1 <alice@example.com>: Sender address rejected: not logged in");
      assertThat(mail(c, "nobody@other.example", null)).isEmpty();
    }
    assertThat(mail(check(SenderLogins.REJECT_AUTHENTICATED, Map.of()), "alice@example.com", null)).isEmpty();
  }

  @Test
  void lookupOrder_extensionLocalPartAndAtDomain() throws Exception {
    SmtpdCheck c = check(SenderLogins.REJECT_MISMATCH, Map.of("recipient_delimiter", "+"));
    assertThat(mail(c, "alice+list@example.com", "alice")).isEmpty();
    assertThat(mail(c, "postmaster@example.com", "admin")).isEmpty();
    assertThat(mail(c, "anyone@team.example", "lead")).isEmpty();
    assertThat(mail(c, "anyone@team.example", "alice"))
        .hasValue("553 5.7.1 <anyone@team.example>: Sender address rejected: not owned by user alice");
  }

  @Test
  void nullSender_neverChecked() throws Exception {
    assertThat(mail(check(SenderLogins.REJECT_MISMATCH, Map.of()), "", "alice")).isEmpty();
  }

  @Test
  void saslDisabled_ignoredWithPostfixWarning() throws Exception {
    SmtpdCheck c = check(SenderLogins.REJECT_MISMATCH, Map.of("smtpd_sasl_auth_enable", "no"));
    assertThat(mail(c, "alice@example.com", null)).isEmpty();
    assertThat(log).contains("warning: restriction `reject_sender_login_mismatch' ignored: no SASL support");
  }
}
