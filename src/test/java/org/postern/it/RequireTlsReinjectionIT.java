package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The other paths a REQUIRETLS request must survive before the message leaves with REQUIRETLS
 * enforced (REQUIRETLS.md §5, §6): a pipe-to-command content filter that re-injects with {@code
 * bin/sendmail -G -i} (FILTER_README's simple filter), an alias and a {@code .forward} file to a
 * remote address, {@code postsuper -r} of a deferred message, and a before-queue
 * {@code smtpd_proxy_filter} (SMTPD_PROXY_README's setup) that never sees the REQUIRETLS verb.
 * DSNs for REQUIRETLS messages (§8) are BounceIT's.
 */
class RequireTlsReinjectionIT {
  private static final String PIPE_HEADER = "X-Pipe-Filter: filter.sh";
  private static final String SENDER = "alice@client.test";

  @TempDir static Path dir;
  private static RequireTlsWorld world;
  private static AiosmtpdPeer far;
  private static AiosmtpdPeer proxyFilter;
  private static PosternInstance postern;
  private static int pipeFilterPort;
  private static int proxyPort;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    world = RequireTlsWorld.create(dir, Map.of("far.test", "127.0.65.20", "later.test", "127.0.65.21"));
    world.own(SystemUsers.create("ptrtls", "ptfilter"));
    Path forward = Path.of("/home/ptrtls/.forward");
    Files.writeString(forward, "erin@far.test\n", StandardCharsets.US_ASCII);
    Commands.ok(List.of("chown", "ptrtls:ptrtls", forward.toString()), null, RequireTlsWorld.LIMIT);
    far = world.startPeer("far.test");
    pipeFilterPort = PosternInstance.freePort();
    proxyPort = PosternInstance.freePort();
    int proxyFilterPort = PosternInstance.freePort();
    int afterProxyPort = PosternInstance.freePort();
    proxyFilter =
        world.own(AiosmtpdPeer.startScript(dir, "reinject_filter.py", "127.0.0.1", proxyFilterPort, Integer.toString(afterProxyPort)));
    postern = world.postern();
    postern.appendMasterCf(
        String.join(
            "\n",
            "127.0.0.1:" + pipeFilterPort + " inet n - n - - smtpd",
            "  -o content_filter=pipefilter:dummy",
            "pipefilter unix  -       n       n       -       10      pipe",
            "  flags=Rq user=ptfilter null_sender= argv=" + pipeFilterScript() + " -f ${sender} -- ${recipient}",
            "127.0.0.1:" + proxyPort + " inet n - n - 20 smtpd",
            "  -o smtpd_proxy_filter=127.0.0.1:" + proxyFilterPort,
            "  -o smtpd_client_connection_count_limit=10",
            "127.0.0.1:" + afterProxyPort + " inet n - n - - smtpd",
            "  -o smtpd_authorized_xforward_hosts=127.0.0.0/8",
            "  -o smtpd_client_restrictions=",
            "  -o smtpd_helo_restrictions=",
            "  -o smtpd_sender_restrictions=",
            "  -o smtpd_recipient_restrictions=permit_mynetworks,reject",
            "  -o smtpd_data_restrictions=",
            "  -o mynetworks=127.0.0.0/8",
            "  -o receive_override_options=no_unknown_recipient_checks"));
    RequireTlsWorld.addAliases(postern, "farfwd: dave@far.test\n");
    postern.startAndAwaitSmtp();
    grantPostdropAccess("ptfilter");
  }

  /**
   * Postern has no setgid postdrop: an ordinary user's {@code bin/sendmail} cannot write into a
   * queue that root owns. As Postfix's postdrop group would, the filter user's group gets write
   * access to the directories a submission passes through.
   */
  private static void grantPostdropAccess(String user) throws Exception {
    Path spool = postern.queueDirectory();
    for (String sub : List.of("tmp", "maildrop", "public")) {
      Path d = spool.resolve(sub);
      Commands.ok(List.of("chgrp", "-R", user, d.toString()), null, RequireTlsWorld.LIMIT);
      Commands.ok(List.of("chmod", "g+rwx", d.toString()), null, RequireTlsWorld.LIMIT);
    }
  }

  /** FILTER_README's simple filter: adds a header and re-injects with Postern's sendmail. */
  private static Path pipeFilterScript() throws Exception {
    Path script = dir.resolve("filter.sh");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "{ echo '" + PIPE_HEADER + "'; cat; } | POSTERN_NO_BUILD=1 "
            + PosternInstance.HOME.resolve("bin/sendmail") + " -G -i \"$@\"\n",
        StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  private static String requireTls(int port, String recipient, String subject) throws Exception {
    return Submit.requireTls(port, world.caCert(), SENDER, recipient, subject, "SECRET-BODY");
  }

  @Test
  void pipeFilter_reinjectedWithSendmail_leavesWithRequireTls() throws Exception {
    String id = requireTls(pipeFilterPort, "frank@far.test", "through the pipe");

    postern.awaitLog(
        Pattern.compile(id + ": to=<frank@far\\.test>, relay=pipefilter, .*status=sent \\(delivered via pipefilter service\\)"),
        RequireTlsWorld.LIMIT);
    String received = RequireTlsWorld.assertLeftWithRequireTls(postern, far, "frank@far.test");
    assertThat(received).contains(PIPE_HEADER).contains("Subject: through the pipe");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"farfwd, dave@far.test, through an alias", "ptrtls, erin@far.test, through .forward"})
  void aliasOrDotForward_toRemoteAddress_leavesWithRequireTls(String local, String remote, String subject)
      throws Exception {
    String localAddress = local + "@" + RequireTlsWorld.MYHOSTNAME;
    String id = requireTls(postern.smtpPort(), localAddress, subject);

    RequireTlsWorld.awaitForwardedWithRequireTls(postern, id, localAddress, remote);
    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, far, remote)).contains("Subject: " + subject);
  }

  @Test
  void deferredMessage_postsuperRequeue_leavesWithRequireTls() throws Exception {
    String id = requireTls(postern.smtpPort(), "gina@later.test", "requeued");

    AiosmtpdPeer later = world.startPeerAndRequeue(postern, id, "gina@later.test");

    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, later, "gina@later.test")).contains("Subject: requeued");
  }

  @Test
  void proxyFilter_verbNotForwarded_headerMarksMessage_leavesWithRequireTls() throws Exception {
    String id = requireTls(proxyPort, "hank@far.test", "through the proxy filter");

    postern.awaitLog(
        Pattern.compile(id + ": to=<hank@far\\.test>, relay=mx\\.far\\.test\\[127\\.0\\.65\\.20\\]:25, .*tls=verify/requiretls, dsn=2\\.0\\.0, status=sent"),
        RequireTlsWorld.LIMIT);
    assertThat(proxyFilter.mails()).isNotEmpty().noneMatch(m -> m.has("REQUIRETLS"));
    assertThat(proxyFilter.messages())
        .filteredOn(m -> m.recipients().contains("hank@far.test"))
        .singleElement()
        .satisfies(m -> assertThat(m.text()).containsOnlyOnce("\r\nRequire-TLS-ESMTP: yes\r\n\r\n"));
    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, far, "hank@far.test"))
        .containsOnlyOnce("Require-TLS-ESMTP: yes")
        .contains("Subject: through the proxy filter");
  }
}
