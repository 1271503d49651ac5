package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS client certificates on Postfix 3.12 and on Postern with the same main.cf: {@code
 * smtpd_tls_ask_ccert}, {@code smtpd_tls_CAfile} from the test PKI, relaying by {@code
 * permit_tls_all_clientcerts} (a verified certificate) and {@code permit_tls_clientcerts} (an
 * unverified one listed in {@code relay_clientcerts} by its SHA-256 fingerprint), a certificate
 * refused by {@code check_ccert_access} (in its explicit search_order form), and, on a second pair
 * of servers, {@code smtpd_tls_req_ccert} at {@code smtpd_tls_security_level = encrypt}. Python's
 * smtplib is the client. The replies, the TLS summary's verdict word, the reject lines and the
 * Received header's client certificate line must be the same. Everything listens on 127.0.95.x.
 */
class ClientCertPostfixIT {
  private static final String POSTFIX_ADDRESS = "127.0.95.20";
  private static final String POSTERN_ADDRESS = "127.0.95.21";
  private static final String POSTFIX_REQ_ADDRESS = "127.0.95.22";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static Postfix312Instance postfix;
  private static Postfix312Instance postfixReq;
  private static PosternInstance postern;
  private static int postfixPort;
  private static int postfixReqPort;
  private static int posternPort;
  private static int posternReqPort;
  private static int posternWrapperPort;
  private static List<Path> trusted;
  private static List<Path> rogue;
  private static List<Path> banned;
  private static List<Path> serverOnly;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> server = pki.server("mx.test");
    trusted = pki.client("client.test");
    banned = pki.client("banned.test");
    serverOnly = pki.serverOnly("server-only.test");
    rogue = TestPki.create(dir.resolve("rogue-pki")).client("rogue.test");
    Path maps = Files.createDirectories(dir.resolve("maps"));
    Files.writeString(maps.resolve("relay"), fingerprint(rogue.get(0)) + " rogue\n");
    Files.writeString(maps.resolve("ccert"), fingerprint(banned.get(0)) + " REJECT\n");
    String mainCf = String.join("\n",
        "myhostname = mx.test",
        "mydestination = mx.test",
        "local_recipient_maps =",
        "smtpd_tls_cert_file = " + server.get(0),
        "smtpd_tls_key_file = " + server.get(1),
        "smtpd_tls_CAfile = " + pki.caCert(),
        "smtpd_tls_loglevel = 1",
        "smtpd_tls_received_header = yes",
        "relay_clientcerts = texthash:" + maps.resolve("relay"),
        "smtpd_client_restrictions = check_ccert_access { texthash:" + maps.resolve("ccert")
            + ", { search_order = cert_fingerprint, pubkey_fingerprint } }",
        "smtpd_relay_restrictions = permit_tls_all_clientcerts, permit_tls_clientcerts,"
            + " reject_unauth_destination");
    String askCf = mainCf + "\nsmtpd_tls_security_level = may\nsmtpd_tls_ask_ccert = yes";
    String reqCf = mainCf + "\nsmtpd_tls_security_level = encrypt\nsmtpd_tls_req_ccert = yes";
    postfixPort = freePort(POSTFIX_ADDRESS);
    postfix = Postfix312Instance.start(dir, dir.resolve("postfix"), POSTFIX_ADDRESS, postfixPort, askCf);
    postfixReqPort = freePort(POSTFIX_REQ_ADDRESS);
    postfixReq = Postfix312Instance.start(dir, dir.resolve("postfix-req"), POSTFIX_REQ_ADDRESS,
        postfixReqPort, reqCf);
    posternPort = freePort(POSTERN_ADDRESS);
    posternReqPort = freePort(POSTERN_ADDRESS);
    posternWrapperPort = freePort(POSTERN_ADDRESS);
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), askCf + "\n");
    postern.appendMasterCf(String.join("\n",
        POSTERN_ADDRESS + ":" + posternPort + " inet n - n - - smtpd",
        "  -o syslog_name=postern/ask",
        POSTERN_ADDRESS + ":" + posternReqPort + " inet n - n - - smtpd",
        "  -o syslog_name=postern/req",
        "  -o smtpd_tls_security_level=encrypt",
        "  -o smtpd_tls_ask_ccert=no",
        "  -o smtpd_tls_req_ccert=yes",
        POSTERN_ADDRESS + ":" + posternWrapperPort + " inet n - n - - smtpd",
        "  -o syslog_name=postern/wrapper",
        "  -o smtpd_tls_wrappermode=yes",
        "  -o smtpd_tls_security_level=encrypt",
        "  -o smtpd_tls_req_ccert=yes"));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (postfix != null) {
      postfix.close();
    }
    if (postfixReq != null) {
      postfixReq.close();
    }
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  private static String fingerprint(Path cert) throws Exception {
    PosternInstance.Result r = Commands.run(List.of("openssl", "x509", "-noout", "-fingerprint",
        "-sha256", "-in", cert.toString()), null, LIMIT);
    assertThat(r.status()).as(r.err()).isZero();
    return r.out().strip().replaceFirst("^.*=", "");
  }

  private static final String PRELUDE = """
      import smtplib, ssl, sys
      def session(host, port, cert, key, data):
          ctx = ssl.create_default_context()
          ctx.check_hostname = False
          ctx.verify_mode = ssl.CERT_NONE
          if cert:
              ctx.load_cert_chain(cert, key)
          s = smtplib.SMTP(host, port, local_hostname='client.test', timeout=30)
          s.ehlo()
          s.starttls(context=ctx)
          code, text = s.ehlo()
          print('EHLO', code, text.decode().splitlines()[0])
          if code != 250:
              return
          print('MAIL', *s.docmd('MAIL', 'FROM:<a@client.test>'))
          print('RCPT', *s.docmd('RCPT', 'TO:<x@remote.test>'))
          if data:
              print('RCPT', *s.docmd('RCPT', 'TO:<root@mx.test>'))
              print('DATA', *s.docmd('DATA'))
              s.send(b'Subject: ccert\\r\\n\\r\\nbody\\r\\n.\\r\\n')
              print('DOT', s.getreply()[0])
          s.quit()
      """;

  /** Every reply line of the sessions, with the client certificates in a fixed order. */
  private static List<String> dialogues(String host, int port) throws Exception {
    StringBuilder script = new StringBuilder(PRELUDE);
    for (List<Path> cert : List.of(trusted, rogue, banned, serverOnly)) {
      script.append("session('%s', %d, '%s', '%s', %s)\n".formatted(host, port, cert.get(0),
          cert.get(1), cert == trusted ? "True" : "False"));
    }
    script.append("session('%s', %d, None, None, False)\n".formatted(host, port));
    return python(script.toString());
  }

  private static List<String> python(String script) throws Exception {
    PosternInstance.Result r = Commands.run(List.of("python3", "-c", script), null, LIMIT);
    assertThat(r.status()).as(r.out() + r.err()).isZero();
    return r.out().lines().map(l -> l.replace("b'", "'")).toList();
  }

  private static List<String> matches(String pattern, String log) {
    Matcher m = Pattern.compile(pattern, Pattern.MULTILINE).matcher(log);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static String clientCertLine(String postcat) {
    return postcat.lines().filter(l -> l.contains("(Client CN")).findFirst().orElse("(none)").strip();
  }

  @Test
  void askCcert_sameRepliesLogVerdictsAndReceivedLine() throws Exception {
    List<String> expected = dialogues(POSTFIX_ADDRESS, postfixPort);
    assertThat(expected).contains(
        "RCPT 554 '5.7.1 <banned.test>: Client certificate rejected: Access denied'",
        "RCPT 554 '5.7.1 <x@remote.test>: Relay access denied'");
    assertThat(dialogues(POSTERN_ADDRESS, posternPort)).isEqualTo(expected);

    String verdict = "/smtpd\\[\\d+\\]: (\\w+) TLS connection established from";
    assertThat(Commands.await(LIMIT,
        () -> matches(" postern/ask" + verdict, postern.maillogText()).size() == 5
            && matches(" postfix" + verdict, postfix.log()).size() == 5)).isTrue();
    assertThat(matches(" postern/ask" + verdict, postern.maillogText()))
        .isEqualTo(matches(" postfix" + verdict, postfix.log()))
        .containsExactly("Trusted", "Untrusted", "Trusted", "Untrusted", "Anonymous");
    String reject = "/smtpd\\[\\d+\\]: NOQUEUE: reject: RCPT from [^:]*: (.*)$";
    assertThat(matches(" postern/ask" + reject, postern.maillogText()))
        .isEqualTo(matches(" postfix" + reject, postfix.log()));

    Set<String> postfixIds = postfix.queueIds("incoming");
    Set<String> posternIds = postern.queueIds("incoming");
    assertThat(postfixIds).hasSize(1);
    assertThat(posternIds).hasSize(1);
    String line = clientCertLine(postfix.postcat(postfixIds.iterator().next()));
    assertThat(line).isEqualTo("(Client CN \"client.test\", Issuer \"Postern Test CA\" (verified OK))");
    assertThat(clientCertLine(postern.postcat(posternIds.iterator().next()))).isEqualTo(line);
  }

  @Test
  void reqCcertWrapperMode_421InsteadOfTheGreeting() throws Exception {
    List<String> out = python(String.join("\n",
        "import smtplib, ssl",
        "ctx = ssl.create_default_context()",
        "ctx.check_hostname = False",
        "ctx.verify_mode = ssl.CERT_NONE",
        "for cert in (None, '%s'):",
        "    if cert:",
        "        ctx.load_cert_chain(cert, '%s')",
        "    try:",
        "        s = smtplib.SMTP_SSL('%s', %d, context=ctx, timeout=30)",
        "        print('GREETING', s.noop()[0])",
        "        s.quit()",
        "    except smtplib.SMTPConnectError as e:",
        "        print('REFUSED', e.smtp_code, e.smtp_error.decode())",
        "").formatted(trusted.get(0), trusted.get(1), POSTERN_ADDRESS, posternWrapperPort));
    assertThat(out).containsExactly(
        "REFUSED 421 4.7.1 mx.test Error: No client certificate presented",
        "GREETING 250");
  }

  @Test
  void reqCcert_untrustedOrMissingCertificate_421AfterStarttls() throws Exception {
    String script = PRELUDE + String.join("\n",
        "for port in (%d, %d):",
        "    host = '%s' if port == %d else '%s'",
        "    session(host, port, '%s', '%s', False)",
        "    session(host, port, None, None, False)",
        "    session(host, port, '%s', '%s', False)",
        "");
    List<String> out = python(script.formatted(postfixReqPort, posternReqPort, POSTFIX_REQ_ADDRESS,
        postfixReqPort, POSTERN_ADDRESS, rogue.get(0), rogue.get(1), trusted.get(0), trusted.get(1)));
    assertThat(out).hasSize(10);
    assertThat(out.subList(5, 10)).isEqualTo(out.subList(0, 5));
    assertThat(out.subList(0, 5)).containsExactly(
        "EHLO 421 4.7.1 mx.test Error: Client certificate not trusted",
        "EHLO 421 4.7.1 mx.test Error: No client certificate presented",
        "EHLO 250 mx.test",
        "MAIL 250 '2.1.0 Ok'",
        "RCPT 250 '2.1.5 Ok'");
    String abort = "/smtpd\\[\\d+\\]: NOQUEUE: abort: TLS from [^:]*: (.*)$";
    assertThat(matches(" postern/req" + abort, postern.maillogText()))
        .isEqualTo(matches(" postfix" + abort, postfixReq.log()))
        .containsExactly("Client certificate not trusted", "No client certificate presented");
  }
}
