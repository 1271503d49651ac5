package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTP AUTH through Dovecot's auth service, as SASL_README's Dovecot section sets it up: Debian's
 * Dovecot with a passwd-file, Postern's smtpd services with {@code smtpd_sasl_type = dovecot} and
 * {@code smtpd_sasl_path} at Dovecot's socket, and swaks and Python's smtplib as clients from
 * 127.0.73.10. Mail for other domains goes to an aiosmtpd next hop ({@code relayhost}) on
 * 127.0.73.5.
 *
 * <p>Services on 127.0.73.1: "submission" ({@code noplaintext} before TLS, relay only for
 * authenticated clients, {@code smtpd_sasl_authenticated_header = yes}), "authonly" ({@code
 * smtpd_tls_auth_only = yes}) and "plain" (AUTH with the default options and the default relay
 * restrictions).
 */
class SaslAuthIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String HOST = "127.0.73.1";
  private static final String CLIENT = "127.0.73.10";
  private static final String PEER_HOST = "127.0.73.5";

  @TempDir static Path dir;
  private static PosternInstance postern;
  private static DovecotAuth dovecot;
  private static AiosmtpdPeer peer;
  private static int submission;
  private static int authOnly;
  private static int plain;

  @BeforeAll
  static void start() throws Exception {
    dovecot = DovecotAuth.start(dir, List.of("alice:{PLAIN}secret"));
    int peerPort = PosternInstance.freePort();
    peer = AiosmtpdPeer.start(dir, PEER_HOST, peerPort);
    List<Path> cert = TestPki.create(dir.resolve("pki")).server("mx.test");
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.test",
        "mydestination = mx.test",
        "mynetworks = 127.0.0.1/32",
        "local_recipient_maps =",
        "relayhost = [" + PEER_HOST + "]:" + peerPort,
        "defer_transports =",
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + cert.get(0),
        "smtpd_tls_key_file = " + cert.get(1),
        "smtpd_sasl_type = dovecot",
        "smtpd_sasl_path = " + dovecot.socket(),
        ""));
    submission = PosternInstance.freePort();
    authOnly = PosternInstance.freePort();
    plain = PosternInstance.freePort();
    postern.appendMasterCf(String.join("\n",
        HOST + ":" + submission + " inet n - n - - smtpd",
        "  -o syslog_name=postern/submission",
        "  -o smtpd_sasl_auth_enable=yes",
        "  -o smtpd_sasl_security_options=noanonymous,noplaintext",
        "  -o smtpd_sasl_tls_security_options=noanonymous",
        "  -o smtpd_sasl_authenticated_header=yes",
        "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
        HOST + ":" + authOnly + " inet n - n - - smtpd",
        "  -o syslog_name=postern/authonly",
        "  -o smtpd_sasl_auth_enable=yes",
        "  -o smtpd_tls_auth_only=yes",
        "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
        HOST + ":" + plain + " inet n - n - - smtpd",
        "  -o syslog_name=postern/plain",
        "  -o smtpd_sasl_auth_enable=yes"));
    postern.startAndAwaitSmtp();
    for (int port : new int[] {submission, authOnly, plain}) {
      assertThat(Commands.await(LIMIT, () -> greets(port))).as("smtpd on " + HOST + ":" + port).isTrue();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (peer != null) {
      peer.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static boolean greets(int port) {
    try {
      return python("s = connect(" + port + "); print('GREETED'); s.quit()").out().contains("GREETED");
    } catch (Exception e) {
      return false;
    }
  }

  private static final String PRELUDE = """
      import base64, smtplib, ssl
      ctx = ssl.create_default_context()
      ctx.check_hostname = False
      ctx.verify_mode = ssl.CERT_NONE
      def connect(port):
          return smtplib.SMTP('%s', port, local_hostname='client.test', source_address=('%s', 0), timeout=30)
      def plain(user, password):
          return base64.b64encode(b'\\0' + user.encode() + b'\\0' + password.encode()).decode()
      def show(tag, reply):
          print(tag, reply[0], reply[1].decode())
      """.formatted(HOST, CLIENT);

  private static PosternInstance.Result python(String script) throws Exception {
    return Commands.run(List.of("python3", "-c", PRELUDE + script), null, LIMIT);
  }

  private static PosternInstance.Result swaks(int port, String password, String marker) throws Exception {
    return Commands.run(List.of(
        "swaks", "--server", HOST, "--port", Integer.toString(port), "--local-interface", CLIENT,
        "--ehlo", "client.test", "--tls", "--auth", "PLAIN", "--auth-user", "alice",
        "--auth-password", password, "--from", "alice@client.test", "--to", "bob@remote.example",
        "--header", "Subject: " + marker), null, LIMIT);
  }

  @Test
  void swaks_goodPasswordWithTls_relaysToOutsideDomainWithAuthenticatedHeader() throws Exception {
    PosternInstance.Result r = swaks(submission, "secret", "sasl-good-1");
    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("235 2.7.0 Authentication successful");
    List<AiosmtpdPeer.Message> got = peer.awaitMessages(1, LIMIT).stream()
        .filter(m -> new String(m.content(), StandardCharsets.UTF_8).contains("sasl-good-1"))
        .toList();
    assertThat(got).hasSize(1);
    assertThat(got.get(0).recipients()).containsExactly("bob@remote.example");
    String content = new String(got.get(0).content(), StandardCharsets.UTF_8);
    assertThat(content).contains("(Authenticated sender: alice)").containsPattern("with ESMTPSA id [0-9A-F]+");
    postern.awaitLog(Pattern.compile(
        "postern/submission/smtpd\\[\\d+\\]: [0-9A-F]+: client=[^,]*\\[127\\.0\\.73\\.10\\],"
            + " sasl_method=PLAIN, sasl_username=alice$", Pattern.MULTILINE), LIMIT);
  }

  @Test
  void swaks_badPassword_535AndNothingRelayed() throws Exception {
    PosternInstance.Result r = swaks(submission, "wrong", "sasl-bad-1");
    assertThat(r.status()).as(r.out()).isNotZero();
    assertThat(r.out()).contains("535 5.7.8 Error: authentication failed: (reason unavailable)");
    postern.awaitLog(Pattern.compile(
        "warning: [^ ]*\\[127\\.0\\.73\\.10\\]: SASL PLAIN authentication failed: \\(reason unavailable\\),"
            + " sasl_username=alice"), LIMIT);
    PosternInstance.Result after = python("""
        s = connect(%d); s.ehlo(); s.starttls(context=ctx); s.ehlo()
        show('AUTH', s.docmd('AUTH', 'PLAIN ' + plain('alice', 'wrong')))
        show('MAIL', s.docmd('MAIL', 'FROM:<alice@client.test>'))
        show('RCPT', s.docmd('RCPT', 'TO:<bob@remote.example>'))
        s.quit()
        """.formatted(submission));
    assertThat(after.out()).as(after.err())
        .contains("AUTH 535 5.7.8 Error: authentication failed: (reason unavailable)")
        .contains("RCPT 554 5.7.1 <bob@remote.example>: Recipient address rejected: Access denied");
    assertThat(peer.messages()).noneMatch(m -> new String(m.content(), StandardCharsets.UTF_8).contains("sasl-bad-1"));
  }

  @Test
  void relayWithoutAuth_refusedPerRelayRestrictions() throws Exception {
    PosternInstance.Result r = python("""
        s = connect(%d); s.ehlo(); s.starttls(context=ctx); s.ehlo()
        s.docmd('MAIL', 'FROM:<alice@client.test>')
        show('SUBMISSION', s.docmd('RCPT', 'TO:<bob@remote.example>'))
        s.quit()
        s = connect(%d); s.ehlo()
        s.docmd('MAIL', 'FROM:<alice@client.test>')
        show('PLAIN', s.docmd('RCPT', 'TO:<bob@remote.example>'))
        show('LOCAL', s.docmd('RCPT', 'TO:<postmaster@mx.test>'))
        s.quit()
        """.formatted(submission, plain));
    assertThat(r.out()).as(r.err())
        .contains("SUBMISSION 554 5.7.1 <bob@remote.example>: Recipient address rejected: Access denied")
        .contains("PLAIN 454 4.7.1 <bob@remote.example>: Relay access denied")
        .contains("LOCAL 250 2.1.5 Ok");
  }

  @Test
  void tlsAuthOnly_noAuthBeforeStarttls_smtplibLoginAfter() throws Exception {
    PosternInstance.Result r = python("""
        s = connect(%d); s.ehlo()
        print('BEFORE', s.has_extn('auth'))
        show('EARLY', s.docmd('AUTH', 'PLAIN ' + plain('alice', 'secret')))
        s.starttls(context=ctx); s.ehlo()
        print('AFTER', s.esmtp_features.get('auth'))
        show('LOGIN', s.login('alice', 'secret'))
        s.quit()
        """.formatted(authOnly));
    assertThat(r.out()).as(r.err())
        .contains("BEFORE False")
        .contains("EARLY 504 5.5.4 Encryption required for requested authentication mechanism")
        .contains("AFTER  PLAIN LOGIN")
        .contains("LOGIN 235 2.7.0 Authentication successful");
  }

  @Test
  void noplaintext_withholdsPlainAndLoginWithoutTls() throws Exception {
    PosternInstance.Result r = python("""
        s = connect(%d); s.ehlo()
        print('BEFORE', s.has_extn('auth'))
        show('EARLY', s.docmd('AUTH', 'PLAIN ' + plain('alice', 'secret')))
        s.starttls(context=ctx); s.ehlo()
        print('AFTER', s.esmtp_features.get('auth'))
        s.quit()
        """.formatted(submission));
    assertThat(r.out()).as(r.err())
        .contains("BEFORE False")
        .contains("EARLY 535 5.7.8 Error: authentication failed: Invalid authentication mechanism")
        .contains("AFTER  PLAIN LOGIN");
  }

  @Test
  void dovecotDown_replies454AndSessionGoesOn() throws Exception {
    PosternInstance.Result r;
    try {
      Path script = dir.resolve("down.py");
      java.nio.file.Files.writeString(script, PRELUDE + """
          import sys
          s = connect(%d); s.ehlo()
          print('ANNOUNCED', s.esmtp_features.get('auth'))
          print('READY', flush=True)
          sys.stdin.readline()
          show('AUTH', s.docmd('AUTH', 'PLAIN ' + plain('alice', 'secret')))
          show('MAIL', s.docmd('MAIL', 'FROM:<alice@client.test>'))
          show('RCPT', s.docmd('RCPT', 'TO:<postmaster@mx.test>'))
          s.quit()
          t = connect(%d); t.ehlo()
          print('LATER', t.has_extn('auth'))
          show('AGAIN', t.docmd('AUTH', 'PLAIN ' + plain('alice', 'secret')))
          t.quit()
          """.formatted(plain, plain));
      Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
      java.io.BufferedReader out =
          new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder text = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        text.append(line).append('\n');
      }
      dovecot.close();
      p.getOutputStream().write('\n');
      p.getOutputStream().close();
      while ((line = out.readLine()) != null) {
        text.append(line).append('\n');
      }
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      r = new PosternInstance.Result(p.exitValue(), text.toString(), "");
    } finally {
      dovecot = DovecotAuth.start(dir, List.of("alice:{PLAIN}secret"));
    }
    assertThat(r.out())
        .contains("ANNOUNCED  PLAIN LOGIN")
        .contains("AUTH 454 4.7.0 Temporary authentication failure: Connection lost to authentication server")
        .contains("MAIL 250 2.1.0 Ok")
        .contains("RCPT 250 2.1.5 Ok")
        .contains("LATER False")
        .contains("AGAIN 454 4.7.0 Temporary authentication failure: Can't connect to authentication server");
    postern.awaitLog(Pattern.compile("postern/plain/smtpd\\[\\d+\\]: warning: SASL: Connect to "
        + Pattern.quote(dovecot.socket().toString()) + " failed: "), LIMIT);
  }
}
