package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code requiretls_request_maps} end to end, and RFC 8689's secure MX lookup under {@code
 * enforce}: messages that did not ask for REQUIRETLS are marked by policy as cleanup accepts
 * them, then delivered to the DNSSEC test world ({@link RequireTlsWorld}: {@code signed.test}
 * has a signed MX record, {@code plain.insecure.test} an unsigned one; both MX hosts are aiosmtpd
 * servers on 127.0.98.x:25 with a certificate from the test CA that announce REQUIRETLS, and
 * {@code smtp_tls_policy_maps} gives both {@code verify}).
 *
 * <p>The table for submission (127.0.98.10:587) is set with {@code -o} in master.cf and keys on
 * the sender domain; main.cf's table keys on one sender address (for sendmail); port 25 and the
 * re-injection listener have no table of their own beyond main.cf's. Bounces go to the sender
 * domain's MX host ({@code corp.test}, signed).
 */
class RequireTlsRequestMapsIT {
  private static final String SUBMISSION = "127.0.98.10:587";
  private static final String FILTERED = "127.0.98.10:2525";
  private static final String REINJECT = "127.0.98.10:10025";

  @TempDir static Path dir;
  private static RequireTlsWorld world;
  private static AiosmtpdPeer signed;
  private static AiosmtpdPeer insecure;
  private static AiosmtpdPeer corp;
  private static PosternInstance postern;
  private static Path submissionTable;
  private static Path mainTable;

  @BeforeAll
  static void start() throws Exception {
    world = RequireTlsWorld.create(dir, Map.of(
        "signed.test", "127.0.98.11", "plain.insecure.test", "127.0.98.12",
        "corp.test", "127.0.98.13"));
    signed = world.startPeer("signed.test");
    insecure = world.startPeer("plain.insecure.test");
    corp = world.startPeer("corp.test");
    submissionTable = table("requiretls-submission", "corp.test yes\n");
    mainTable = table("requiretls-main", "bob@corp.test yes\ncarol@corp.test no\n");
    postern = world.postern("requiretls_request_maps = texthash:" + mainTable);
    postern.appendMasterCf(String.join("\n",
        SUBMISSION + " inet n - n - - smtpd",
        "  -o requiretls_request_maps=texthash:" + submissionTable,
        FILTERED + " inet n - n - - smtpd",
        "  -o requiretls_request_maps=texthash:" + submissionTable,
        "  -o content_filter=smtp:[127.0.98.10]:10025",
        REINJECT + " inet n - n - - smtpd",
        "  -o requiretls_request_maps=",
        "  -o content_filter="));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  private static Path table(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.US_ASCII);
    return p;
  }

  /** swaks to {@code server} without STARTTLS or REQUIRETLS; the queue id. */
  private static String swaks(String server, String sender, String recipient, String subject)
      throws Exception {
    return Submit.queueId(Commands.ok(List.of("swaks", "--server", server, "--ehlo", "client.test",
        "--from", sender, "--to", recipient, "--header", "Subject: " + subject,
        "--body", "SECRET-BODY"), null, RequireTlsWorld.LIMIT).out());
  }

  private static void awaitRequestedBy(String id, Path table, String key) throws Exception {
    postern.awaitLog(Pattern.compile(Pattern.quote(id + ": requiretls requested by policy: table=texthash:"
        + table + " key=" + key)), RequireTlsWorld.LIMIT);
  }

  @Test
  void submission_requestedByPolicy_unsignedMx_bouncedAsNoCertificateMatch_neverContacted()
      throws Exception {
    String id = swaks(SUBMISSION, "alice@corp.test", "rcpt@plain.insecure.test", "to unsigned");

    awaitRequestedBy(id, submissionTable, "corp.test");
    postern.awaitLog(Pattern.compile(Pattern.quote(id) + ": to=<rcpt@plain\\.insecure\\.test>,"
        + " relay=none, .*tls=verify\\?/!requiretls:nocertmatch, dsn=5\\.7\\.10, status=bounced"
        + " \\(Sender requested REQUIRETLS, but no matching server certificate was found\\."
        + " The last attempted server was mx\\.plain\\.insecure\\.test\\[127\\.0\\.98\\.12\\]\\)"),
        RequireTlsWorld.LIMIT);

    assertThat(Commands.await(RequireTlsWorld.LIMIT, () -> corp.messages().stream()
        .anyMatch(m -> m.recipients().contains("alice@corp.test")
            && m.text().contains("to unsigned")))).as("bounce at corp.test").isTrue();
    AiosmtpdPeer.Message bounce = corp.messages().stream()
        .filter(m -> m.recipients().contains("alice@corp.test") && m.text().contains("to unsigned"))
        .findFirst().orElseThrow();
    assertThat(bounce.requireTls()).as("the bounce is sent without REQUIRETLS").isFalse();
    assertThat(bounce.text())
        .contains("text/rfc822-headers")
        .contains("Status: 5.7.10")
        .contains("Subject: to unsigned")
        .doesNotContain("SECRET-BODY");
    assertThat(insecure.messages()).as("messages at the unsigned MX host").isEmpty();
  }

  @Test
  void submission_requestedByPolicy_signedMx_leavesOverVerifiedTlsWithRequireTls()
      throws Exception {
    String id = swaks(SUBMISSION, "alice@corp.test", "dora@signed.test", "to signed");

    awaitRequestedBy(id, submissionTable, "corp.test");
    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, signed, "dora@signed.test"))
        .contains("Subject: to signed")
        .contains("Require-TLS-ESMTP: yes");
  }

  @Test
  void port25_withoutTheServiceTable_unmarkedMailGoesToTheUnsignedMx() throws Exception {
    String id = swaks("127.0.0.1:" + postern.smtpPort(), "carol@corp.test",
        "erin@plain.insecure.test", "not requested");

    postern.awaitLog(Pattern.compile(Pattern.quote(id) + ": to=<erin@plain\\.insecure\\.test>,"
        + " relay=mx\\.plain\\.insecure\\.test\\[127\\.0\\.98\\.12\\]:25, .*tls=verify,"
        + " dsn=2\\.0\\.0, status=sent"), RequireTlsWorld.LIMIT);
    assertThat(postern.maillogText()).doesNotContain(id + ": requiretls requested by policy");
    assertThat(insecure.messages()).filteredOn(m -> m.recipients().contains("erin@plain.insecure.test"))
        .singleElement().satisfies(m -> assertThat(m.requireTls()).isFalse());
  }

  @Test
  void sendmail_requestedByMainCfTable_tlsRequiredNoIgnored_leavesWithRequireTls()
      throws Exception {
    byte[] message = ("Subject: from sendmail\nTLS-Required: no\n\nSECRET-BODY\n")
        .getBytes(StandardCharsets.US_ASCII);
    PosternInstance.Result r = postern.commandWithInput(message, "sendmail",
        "-f", "bob@corp.test", "frank@signed.test");
    assertThat(r.status()).as(r.err()).isZero();

    String id = postern.awaitLog(Pattern.compile("([0-9A-Za-z]+): requiretls requested by policy:"
        + " table=texthash:" + Pattern.quote(mainTable.toString()) + " key=bob@corp\\.test"),
        RequireTlsWorld.LIMIT);
    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, signed, "frank@signed.test"))
        .contains("Subject: from sendmail");
    assertThat(postern.maillogText()).contains(id + ": to=<frank@signed.test>");
  }

  @Test
  void contentFilter_reinjectedMessage_keepsThePolicyMark() throws Exception {
    String id = swaks(FILTERED, "alice@corp.test", "gina@signed.test", "through the filter");

    awaitRequestedBy(id, submissionTable, "corp.test");
    postern.awaitLog(Pattern.compile(Pattern.quote(id) + ": to=<gina@signed\\.test>,"
        + " relay=127\\.0\\.98\\.10\\[127\\.0\\.98\\.10\\]:10025, .*status=sent"),
        RequireTlsWorld.LIMIT);
    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, signed, "gina@signed.test"))
        .contains("Subject: through the filter");
  }
}
