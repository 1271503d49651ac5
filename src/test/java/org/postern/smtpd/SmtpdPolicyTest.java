package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.policy.ScriptedPolicyServer;
import org.postern.tls.ClientCertificate;

/** check_policy_service in the restriction lists, against a scripted server on a UNIX socket. */
class SmtpdPolicyTest {
  @TempDir Path dir;
  private final List<String> log = new ArrayList<>();
  private final List<ScriptedPolicyServer> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ScriptedPolicyServer s : servers) {
      s.close();
    }
  }

  private ScriptedPolicyServer server(String action) throws Exception {
    ScriptedPolicyServer s = ScriptedPolicyServer.answering(action).listen(dir.resolve("policy"));
    servers.add(s);
    return s;
  }

  private String socket() {
    return "unix:" + dir.resolve("policy");
  }

  private SmtpdCheck check(Map<String, String> params) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("compatibility_level", "3.11");
    all.put("myhostname", "mx.example.com");
    all.put("mydestination", "example.com");
    all.put("mynetworks", "127.0.0.1/32");
    all.put("local_recipient_maps", "");
    all.putAll(params);
    SmtpdSettings settings = TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), all));
    CheckState state = new CheckState("c.example", "192.0.2.1", false, log::add);
    state.connection(54321, "192.0.2.25", 25);
    state.helo = "h.example";
    state.protocol = "ESMTP";
    state.where = "RCPT";
    state.sender = "a@b.example";
    return new SmtpdCheck(settings.access(), state);
  }

  private static Transaction begin(SmtpdCheck c, long size) {
    Transaction t = new Transaction(MailAddress.parse("<a@b.example>"),
        new EsmtpParameters.Mail(OptionalLong.of(size), Optional.empty(), Optional.empty(),
            Optional.empty(), false, false, Optional.empty()),
        Instant.parse("2026-12-06T12:00:00.123456Z"));
    c.state.begin(t);
    return t;
  }

  private static Optional<String> rcpt(SmtpdCheck c, String address) {
    return c.rcpt(MailAddress.parse("<" + address + ">")).map(Reply::toString);
  }

  @Test
  void rcpt_sendsEveryPostfixAttributeInOrder() throws Exception {
    ScriptedPolicyServer s = server("DUNNO");
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions",
        "check_policy_service { " + socket() + ", policy_context=submission }"));
    begin(c, 1234);
    assertThat(rcpt(c, "x@example.com")).isEmpty();
    Map<String, String> a = s.requests().get(0).attributes();
    assertThat(a.keySet()).containsExactly("request", "protocol_state", "protocol_name",
        "client_address", "client_name", "client_port", "reverse_client_name", "server_address",
        "server_port", "helo_name", "sender", "recipient", "recipient_count", "queue_id", "instance",
        "size", "etrn_domain", "stress", "sasl_method", "sasl_username", "sasl_sender",
        "ccert_subject", "ccert_issuer", "ccert_fingerprint", "ccert_pubkey_fingerprint",
        "encryption_protocol", "encryption_cipher", "encryption_keysize", "tls_sni",
        "policy_context", "compatibility_level", "mail_version");
    assertThat(a).containsEntry("request", "smtpd_access_policy")
        .containsEntry("protocol_state", "RCPT")
        .containsEntry("protocol_name", "ESMTP")
        .containsEntry("client_address", "192.0.2.1")
        .containsEntry("client_name", "c.example")
        .containsEntry("client_port", "54321")
        .containsEntry("server_address", "192.0.2.25")
        .containsEntry("server_port", "25")
        .containsEntry("helo_name", "h.example")
        .containsEntry("sender", "a@b.example")
        .containsEntry("recipient", "x@example.com")
        .containsEntry("recipient_count", "0")
        .containsEntry("queue_id", "")
        .containsEntry("size", "1234")
        .containsEntry("sasl_method", "")
        .containsEntry("encryption_protocol", "")
        .containsEntry("encryption_keysize", "0")
        .containsEntry("policy_context", "submission")
        .containsEntry("compatibility_level", "3.11");
    assertThat(a.get("instance"))
        .matches("[0-9a-f]+\\.[0-9a-f]+\\.[0-9a-f]+\\.0")
        .contains("." + Long.toHexString(Instant.parse("2026-12-06T12:00:00Z").getEpochSecond())
            + "." + Long.toHexString(123456) + ".");
  }

  @Test
  void rcpt_clientCertificateAndSaslSender_namesOnlyForAVerifiedCertificate() throws Exception {
    ScriptedPolicyServer s = server("DUNNO");
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "check_policy_service " + socket()));
    begin(c, 0);
    c.state.saslSender = "bob+2Bx@example.com";
    for (boolean trusted : new boolean[] {true, false}) {
      c.state.tls = Optional.of(new Envelope.Tls("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, true,
          Optional.of(new ClientCertificate("client one", "Test CA", trusted, "AA:01", "BB:02"))));
      assertThat(rcpt(c, "x@example.com")).isEmpty();
    }
    Map<String, String> verified = s.requests().get(0).attributes();
    assertThat(verified).containsEntry("ccert_subject", "client+20one")
        .containsEntry("ccert_issuer", "Test+20CA")
        .containsEntry("ccert_fingerprint", "AA:01")
        .containsEntry("ccert_pubkey_fingerprint", "BB:02")
        .containsEntry("sasl_sender", "bob+2Bx@example.com");
    Map<String, String> unverified = s.requests().get(1).attributes();
    assertThat(unverified).containsEntry("ccert_subject", "").containsEntry("ccert_issuer", "")
        .containsEntry("ccert_fingerprint", "AA:01");
  }

  @Test
  void instance_sameForOneMessage_newForTheNext() throws Exception {
    ScriptedPolicyServer s = server("DUNNO");
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "check_policy_service " + socket()));
    begin(c, 0);
    rcpt(c, "x@example.com");
    rcpt(c, "y@example.com");
    c.state.resetTransaction();
    c.state.sender = "a@b.example";
    begin(c, 0);
    rcpt(c, "z@example.com");
    List<String> instances =
        s.requests().stream().map(r -> r.attributes().get("instance")).toList();
    assertThat(instances.get(0)).isEqualTo(instances.get(1)).isNotEqualTo(instances.get(2));
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void data_singleRecipientAndCount_endOfDataActualSize() throws Exception {
    ScriptedPolicyServer s = server("DUNNO");
    SmtpdCheck c = check(Map.of(
        "smtpd_data_restrictions", "check_policy_service " + socket(),
        "smtpd_end_of_data_restrictions", "check_policy_service " + socket()));
    Transaction t = begin(c, 99);
    t.addRecipient(new Envelope.Recipient("x@example.com", Set.of(), new Envelope.Orcpt("rfc822", "x@example.com")));
    c.state.where = "DATA";
    assertThat(c.data()).isEmpty();
    t.received(4321);
    c.state.where = "END-OF-MESSAGE";
    c.state.queueId = "4Q2abc";
    assertThat(c.endOfData()).isEmpty();
    Map<String, String> data = s.requests().get(0).attributes();
    assertThat(data).containsEntry("protocol_state", "DATA").containsEntry("recipient", "x@example.com")
        .containsEntry("recipient_count", "1").containsEntry("size", "99");
    Map<String, String> eom = s.requests().get(1).attributes();
    assertThat(eom).containsEntry("protocol_state", "END-OF-MESSAGE").containsEntry("queue_id", "4Q2abc")
        .containsEntry("size", "4321");
  }

  @Test
  void action_deferIfPermit_isTheAccessTableAction() throws Exception {
    server("DEFER_IF_PERMIT Service temporarily unavailable");
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "check_policy_service " + socket()));
    assertThat(rcpt(c, "x@example.com")).hasValue(
        "450 4.7.1 <x@example.com>: Recipient address rejected: Service temporarily unavailable");
  }

  @Test
  void action_rejectWithText_andRestrictionName() throws Exception {
    server("550 5.7.1 no thanks");
    SmtpdCheck c = check(Map.of("smtpd_client_restrictions", "check_policy_service " + socket()));
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("550 5.7.1 <c.example[192.0.2.1]>: Client host rejected: no thanks");
    stop();
    servers.clear();
    server("reject_unauth_destination");
    SmtpdCheck d = check(Map.of("smtpd_relay_restrictions",
        "check_policy_service " + socket() + ", defer_unauth_destination"));
    assertThat(rcpt(d, "x@elsewhere.example"))
        .hasValue("554 5.7.1 <x@elsewhere.example>: Relay access denied");
  }

  @Test
  void action_prependAndHold_goToCleanup() throws Exception {
    ScriptedPolicyServer s = new ScriptedPolicyServer(a -> a.get("recipient").startsWith("p")
        ? "action=PREPEND X-Policy: checked\n\n" : "action=HOLD\n\n").listen(dir.resolve("policy"));
    servers.add(s);
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "check_policy_service " + socket()));
    begin(c, 0);
    rcpt(c, "p@example.com");
    rcpt(c, "h@example.com");
    Envelope.Actions actions = c.state.actions();
    assertThat(actions.prependHeaders()).containsExactly("X-Policy: checked");
    assertThat(actions.hold()).isTrue();
    assertThat(log).anyMatch(l -> l.startsWith("NOQUEUE: hold: RCPT from c.example[192.0.2.1]: "
        + "<h@example.com>: Recipient address triggers HOLD action;"));
  }

  @Test
  void deadService_defaultAction451_withPostfixWarnings() throws Exception {
    SmtpdCheck c = check(Map.of(
        "smtpd_recipient_restrictions", "check_policy_service " + socket(),
        "smtpd_policy_service_try_limit", "1"));
    assertThat(rcpt(c, "x@example.com")).hasValue(
        "451 4.3.5 <x@example.com>: Recipient address rejected: Server configuration problem");
    assertThat(log).startsWith(
        "warning: connect to " + dir.resolve("policy") + ": No such file or directory",
        "warning: problem talking to server " + dir.resolve("policy") + ": No such file or directory");
  }

  @Test
  void deadService_perServiceDefaultActionDunno_accepts() throws Exception {
    SmtpdCheck c = check(Map.of(
        "smtpd_recipient_restrictions", "check_policy_service { " + socket() + ", try_limit=1,"
            + " default_action=DUNNO }"));
    assertThat(rcpt(c, "x@example.com")).isEmpty();
  }

  @Test
  void malformedReply_isTheDefaultAction_neverACrash() throws Exception {
    ScriptedPolicyServer s = new ScriptedPolicyServer(a -> "garbage without end\n" + "x".repeat(20000))
        .listen(dir.resolve("policy"));
    servers.add(s);
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions",
        "check_policy_service { " + socket() + ", try_limit=1, timeout=1s }"));
    assertThat(rcpt(c, "x@example.com")).hasValue(
        "451 4.3.5 <x@example.com>: Recipient address rejected: Server configuration problem");
  }

  @Test
  void replyNamingALookupTable_isAServerConfigurationError() throws Exception {
    server("check_policy_service inet:127.0.0.1:1");
    SmtpdCheck c = check(Map.of("smtpd_recipient_restrictions", "check_policy_service " + socket()));
    assertThat(rcpt(c, "x@example.com")).hasValue("451 4.3.5 Server configuration error");
    assertThat(log).contains("warning: access table " + socket()
        + " has entry with lookup table: check_policy_service inet:127.0.0.1:1");
  }

  @Test
  void restrictionClass_greylistOnlyFrequentlyForgedDomains_asTheReadme() throws Exception {
    ScriptedPolicyServer s = server("DEFER_IF_PERMIT Service temporarily unavailable");
    SmtpdCheck c = check(Map.of(
        "smtpd_restriction_classes", "greylist",
        "greylist", "check_policy_service " + socket(),
        "smtpd_recipient_restrictions",
        "reject_unauth_destination, check_sender_access inline:{ aol.example=greylist }"));
    assertThat(rcpt(c, "x@example.com")).isEmpty();
    c.state.sender = "someone@aol.example";
    // The class runs for the sender table's entry, so the reply names the sender, as in Postfix.
    assertThat(rcpt(c, "x@example.com")).hasValue(
        "450 4.7.1 <someone@aol.example>: Sender address rejected: Service temporarily unavailable");
    assertThat(s.requests()).singleElement()
        .satisfies(r -> assertThat(r.attributes()).containsEntry("sender", "someone@aol.example"));
  }

  @Test
  void restrictionClass_namedByThePolicyServer_runsInPlace() throws Exception {
    server("strict");
    SmtpdCheck c = check(Map.of(
        "smtpd_restriction_classes", "strict",
        "strict", "reject_non_fqdn_sender, reject",
        "smtpd_recipient_restrictions", "check_policy_service " + socket()));
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("554 5.7.1 <x@example.com>: Recipient address rejected: Access denied");
  }

  @Test
  void restrictionClass_thatNamesItself_isAServerConfigurationError() throws Exception {
    SmtpdCheck c = check(Map.of(
        "smtpd_restriction_classes", "loop",
        "loop", "loop loop",
        "smtpd_recipient_restrictions", "loop"));
    assertThat(rcpt(c, "x@example.com")).hasValue("451 4.3.5 Server configuration error");
    assertThat(log).contains("warning: restriction class loop causes unreasonable recursion");
  }

  @Test
  void restrictionClass_relaySafetyCheckLooksInside() throws Exception {
    assertThatThrownBy(() -> check(Map.of(
        "smtpd_restriction_classes", "mine",
        "mine", "permit_mynetworks",
        "smtpd_relay_restrictions", "mine")))
        .hasMessageContaining("specify at least one working instance of");
    SmtpdCheck c = check(Map.of(
        "smtpd_restriction_classes", "mine",
        "mine", "permit_mynetworks, reject_unauth_destination",
        "smtpd_relay_restrictions", "mine"));
    assertThat(rcpt(c, "x@elsewhere.example")).hasValue("554 5.7.1 <x@elsewhere.example>: Relay access denied");
  }

  @Test
  void restrictionClass_withoutDefinition_refusedAtStart() {
    assertThatThrownBy(() -> check(Map.of("smtpd_restriction_classes", "nothing")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("restriction class `nothing' needs a definition");
  }

  @Test
  void startup_badService_isAConfigurationError() {
    assertThatThrownBy(() -> check(Map.of("smtpd_recipient_restrictions", "check_policy_service")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("restriction check_policy_service must be followed by transport:server");
    assertThatThrownBy(() -> check(Map.of("smtpd_recipient_restrictions", "check_policy_service tcp:x:1")))
        .hasMessageContaining("invalid transport name: tcp in service: tcp:x:1");
    assertThatThrownBy(() -> check(Map.of("smtpd_policy_service_try_limit", "0")))
        .hasMessageContaining("invalid smtpd_policy_service_try_limit parameter value 0 < 1");
  }
}
