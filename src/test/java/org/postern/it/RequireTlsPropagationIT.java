package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's acceptance case: a message received with REQUIRETLS (python3's smtplib over
 * STARTTLS) passes through an after-queue SMTP content filter set up as Postfix's FILTER_README
 * has it ({@code content_filter = smtp-filter:[127.0.0.1]:PORT}, a small aiosmtpd filter that
 * re-injects into a {@code 127.0.0.1:PORT inet ... smtpd -o content_filter=} service) and leaves
 * for its destination with REQUIRETLS enforced. The filter never sees the REQUIRETLS verb; the
 * request crosses it as the {@code Require-TLS-ESMTP: yes} header, and the hop to the filter, an
 * IP-literal next hop, is opportunistic under the default {@code smtp_requiretls_policy}.
 */
class RequireTlsPropagationIT {
  private static final String FILTER_HEADER = "X-Content-Filter: reinject_filter.py";

  @TempDir static Path dir;
  private static RequireTlsWorld world;
  private static AiosmtpdPeer peer;
  private static AiosmtpdPeer filter;
  private static PosternInstance postern;
  private static int filterPort;

  @BeforeAll
  static void start() throws Exception {
    world = RequireTlsWorld.create(dir, Map.of("peer.test", "127.0.65.10"));
    peer = world.startPeer("peer.test");
    filterPort = PosternInstance.freePort();
    int reinjectPort = PosternInstance.freePort();
    filter =
        world.own(AiosmtpdPeer.startScript(
            dir, "reinject_filter.py", "127.0.0.1", filterPort, Integer.toString(reinjectPort), "--header", FILTER_HEADER));
    postern = world.postern("content_filter = smtp-filter:[127.0.0.1]:" + filterPort);
    postern.appendMasterCf(
        String.join(
            "\n",
            "smtp-filter unix  -       -       n       -       10      smtp",
            "  -o smtp_send_xforward_command=yes",
            "  -o disable_mime_output_conversion=yes",
            "  -o smtp_generic_maps=",
            "127.0.0.1:" + reinjectPort + " inet n  -       n       -       10      smtpd",
            "  -o content_filter=",
            "  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters",
            "  -o smtpd_helo_restrictions=",
            "  -o smtpd_client_restrictions=",
            "  -o smtpd_sender_restrictions=",
            "  -o smtpd_relay_restrictions=",
            "  -o smtpd_recipient_restrictions=permit_mynetworks,reject",
            "  -o mynetworks=127.0.0.0/8",
            "  -o smtpd_authorized_xforward_hosts=127.0.0.0/8"));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void requireTlsMessage_throughContentFilter_leavesWithRequireTls() throws Exception {
    String recipient = "bob@peer.test";

    String id =
        Submit.requireTls(postern, world.caCert(), "alice@client.test", recipient, "filtered and required", "SECRET-BODY");

    Matcher toFilter = filterHop(id, recipient);
    assertThat(toFilter.group("tls"))
        .as("the IP-literal hop to the filter is opportunistic: no STARTTLS there, delivered anyway")
        .isEqualTo("may:none/requiretls:none");
    String reinjected = toFilter.group("queued");
    assertThat(filter.mails())
        .as("REQUIRETLS verb to a filter that does not announce it")
        .isNotEmpty()
        .noneMatch(m -> m.has("REQUIRETLS"));
    assertThat(filter.messages())
        .filteredOn(m -> m.recipients().contains(recipient))
        .singleElement()
        .satisfies(m -> assertThat(m.text()).containsPattern("(?m)^Require-TLS-ESMTP: yes$"));

    postern.awaitLog(
        Pattern.compile(reinjected + ": to=<bob@peer\\.test>, relay=mx\\.peer\\.test\\[127\\.0\\.65\\.10\\]:25, .*tls=verify/requiretls, dsn=2\\.0\\.0, status=sent"),
        RequireTlsWorld.LIMIT);
    String received = RequireTlsWorld.assertLeftWithRequireTls(postern, peer, recipient);
    assertThat(received)
        .contains(FILTER_HEADER)
        .containsOnlyOnce("Require-TLS-ESMTP: yes")
        .contains("Subject: filtered and required")
        .contains("SECRET-BODY");
  }

  @Test
  void plainMessage_throughContentFilter_leavesWithoutRequireTls() throws Exception {
    String recipient = "carol@peer.test";

    String id = Submit.swaks(postern, "alice@client.test", recipient, "--header", "Subject: not required");

    Matcher toFilter = filterHop(id, recipient);
    assertThat(toFilter.group("tls")).isEqualTo("may:none");
    String reinjected = toFilter.group("queued");
    postern.awaitLog(
        Pattern.compile(reinjected + ": to=<carol@peer\\.test>, relay=mx\\.peer\\.test\\[127\\.0\\.65\\.10\\]:25, .*tls=verify, dsn=2\\.0\\.0, status=sent"),
        RequireTlsWorld.LIMIT);
    Commands.await(RequireTlsWorld.LIMIT, () -> peer.messages().stream().anyMatch(m -> m.recipients().contains(recipient)));
    List<AiosmtpdPeer.Message> got =
        peer.messages().stream().filter(m -> m.recipients().contains(recipient)).toList();
    assertThat(got).singleElement().satisfies(m -> {
      assertThat(m.requireTls()).isFalse();
      assertThat(m.text()).contains(FILTER_HEADER).doesNotContain("Require-TLS-ESMTP");
    });
  }

  @Test
  void defaultPolicy_filterHopOpportunistic_destinationEnforce() throws Exception {
    PosternInstance.Result r =
        postern.command("postern", "requiretls-policy", "[127.0.0.1]:" + filterPort, "peer.test");

    assertThat(r.status()).as("requiretls-policy: " + r.err()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "[127.0.0.1]:" + filterPort + ": opportunistic (cidr:{...}: 127.0.0.1)",
            "peer.test: enforce (policy item: enforce)");
  }

  /** The log line of {@code id}'s delivery to the filter, with its tls= value and the new queue id. */
  private static Matcher filterHop(String id, String recipient) throws InterruptedException {
    Pattern hop =
        Pattern.compile(
            id + ": to=<" + Pattern.quote(recipient) + ">, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + filterPort
                + ", .*?tls=(?<tls>\\S+), dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 Ok: queued as (?<queued>[0-9A-Za-z]+)\\)");
    String line = postern.awaitLog(Pattern.compile("(" + hop.pattern() + ")"), RequireTlsWorld.LIMIT);
    Matcher m = hop.matcher(line);
    assertThat(m.find()).isTrue();
    return m;
  }
}
