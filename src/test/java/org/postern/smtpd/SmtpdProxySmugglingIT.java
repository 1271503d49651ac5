package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTP smuggling through {@code smtpd_proxy_filter}, the edge cases of Postfix 3.12 (HISTORY
 * 20260816, 20260817): the {@code Require-TLS-ESMTP: yes} header inserted before a first body line
 * that starts with {@code .}; a line split across reads; bare CR and bare LF in the content; a
 * message that already has the header. Each test sends a message through smtpd to a {@link
 * RawProxyFilter} and checks the exact bytes the filter received: every line a filter can read
 * as {@code .} is stuffed, no CR or LF stands alone, the header appears once at the end of the
 * header block, and no command after the message reached the filter.
 */
class SmtpdProxySmugglingIT {
  private static final String EVIL = "MAIL FROM:<evil@attacker.test>";
  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "RSA");
  }

  /** STARTTLS, MAIL FROM with REQUIRETLS, one recipient, then {@code content} as DATA or BDAT. */
  private static String requireTls(String transfer) {
    return SmtpdProxyIT.TLS_EHLO
        + """
        C: MAIL FROM:<a@client.test> REQUIRETLS
        S: 250 2.1.0 Ok
        C: RCPT TO:<b@mx.test>
        S: 250 2.1.5 Ok
        """
        + transfer
        + """
        C: QUIT
        S: 221 2.0.0 Bye
        """;
  }

  private static String data(String content) {
    return "C: DATA\nS: 354 End data with <CR><LF>.<CR><LF>\n" + content + "C: .\nS: 250 2.0.0 Ok: queued as F00D\n";
  }

  /** The DATA stream the filter got for {@code script}; asserts the filter's session was clean. */
  private static String throughProxy(String script) throws Exception {
    return throughProxy(script, Map.of());
  }

  private static String throughProxy(String script, Map<String, String> more) throws Exception {
    try (RawProxyFilter proxy = new RawProxyFilter()) {
      Map<String, String> params = new HashMap<>(more);
      params.put("smtpd_proxy_filter", "127.0.0.1:" + proxy.port());
      return throughProxy(script, proxy, params);
    }
  }

  private static String throughProxy(String script, RawProxyFilter proxy, Map<String, String> params)
      throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, params)) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(script);
      }
      proxy.awaitQuit();
      assertThat(proxy.commands).as("commands at the filter").hasSize(5)
          .noneMatch(l -> l.contains("evil@attacker.test"));
      String data = proxy.data();
      assertThat(data).as("no CR without LF, no LF without CR").doesNotContainPattern("\r(?!\n)|(?<!\r)\n");
      assertThat(data.split("\r\n", -1)).as("no line the filter reads as the end").doesNotContain(".");
      return data;
    }
  }

  @Test
  void firstBodyLineStartsWithDot_headerInsertedBeforeIt_dotStaysStuffed() throws Exception {
    String data = throughProxy(requireTls(data("C: ..\nC: " + EVIL + "\nC: RCPT TO:<victim@mx.test>\nC: DATA\nC: ..x\n")));

    assertThat(data).endsWith("\r\nRequire-TLS-ESMTP: yes\r\n..\r\n" + EVIL + "\r\nRCPT TO:<victim@mx.test>\r\nDATA\r\n..x\r\n");
  }

  @Test
  void headerLineSplitAcrossReads_headerGoesAfterTheWholeBlock() throws Exception {
    String longValue = "a".repeat(3000);

    String data = throughProxy(requireTls(data("C: X-Long: " + longValue + "\nC: Subject: split\nC:\nC: ..line\n")));

    assertThat(data).endsWith("X-Long: " + longValue + "\r\nSubject: split\r\nRequire-TLS-ESMTP: yes\r\n\r\n..line\r\n");
    assertThat(Pattern.compile("Require-TLS-ESMTP").matcher(data).results().count()).isEqualTo(1);
  }

  @Test
  void dotInsideALineSplitAcrossReads_isNotALineStart() throws Exception {
    String longLine = "b".repeat(2048);

    String data = throughProxy(requireTls(data("C: Subject: long\nC:\nC: " + longLine + ".rest\n")));

    assertThat(data).endsWith("\r\n\r\n" + longLine + ".rest\r\n");
  }

  @Test
  void bareCr_becomesSpace() throws Exception {
    String data = throughProxy(requireTls(data(
        "RAW: Subject: cr\\r\\n\\r\\nline one\\r" + EVIL + "\\r\\nx\\r.\\r\\r\\n\n")));

    assertThat(data).endsWith("\r\n\r\nline one " + EVIL + "\r\nx . \r\n");
  }

  /**
   * The client is not in {@code smtpd_forbid_bare_newline_exclusions}, so {@code normalize}
   * applies: {@code LF.LF} does not end the message, and every bare LF reaches the filter as CRLF.
   */
  @Test
  void bareLf_neverReachesTheFilter() throws Exception {
    String data = throughProxy(
        requireTls(data("RAW: Subject: lf\\r\\n\\r\\nline\\n.\\n" + EVIL + "\\nend\\r\\n\n")),
        Map.of("smtpd_forbid_bare_newline_exclusions", ""));

    // The "." line next to a bare LF is dropped, as Postfix 3.12 drops it.
    assertThat(data).endsWith("Subject: lf\r\nRequire-TLS-ESMTP: yes\r\n\r\nline\r\n" + EVIL + "\r\nend\r\n");
  }

  @Test
  void bdatChunkEndsInCrNextStartsWithDot_crLfKeptAndDotStuffed() throws Exception {
    String data = throughProxy(requireTls("""
        RAW: BDAT 19\\r\\nSubject: b\\r\\n\\r\\nline\\r
        S: 250 2.0.0 Ok: 19 bytes
        RAW: BDAT 8 LAST\\r\\n\\n.evil\\r\\n
        S: 250 2.0.0 Ok: queued as F00D
        """));

    assertThat(data).endsWith("Subject: b\r\nRequire-TLS-ESMTP: yes\r\n\r\nline\r\n..evil\r\n");
  }

  @Test
  void messageWithTheHeader_notDuplicated() throws Exception {
    String data = throughProxy(requireTls(data("C: Require-TLS-ESMTP: YES\nC: Subject: has it\nC:\nC: body\n")));

    assertThat(data).endsWith("\r\nRequire-TLS-ESMTP: YES\r\nSubject: has it\r\n\r\nbody\r\n");
    assertThat(Pattern.compile("(?i)Require-TLS-ESMTP").matcher(data).results().count()).isEqualTo(1);
  }

  @Test
  void messageWithTheHeaderSayingNo_getsYesAsWell() throws Exception {
    String data = throughProxy(requireTls(data("C: Require-TLS-ESMTP: no\nC: Subject: says no\nC:\nC: body\n")));

    assertThat(data).endsWith("\r\nRequire-TLS-ESMTP: no\r\nSubject: says no\r\nRequire-TLS-ESMTP: yes\r\n\r\nbody\r\n");
  }

  /** Whitespace first would fold the content into smtpd's Received: header: an empty line ends it. */
  @Test
  void contentStartingWithWhitespace_cannotContinueTheReceivedHeader() throws Exception {
    String data = throughProxy(requireTls(data("C:  X-Injected: yes\nC: Subject: ws\nC:\nC: body\n")));

    assertThat(data).containsOnlyOnce("\r\nRequire-TLS-ESMTP: yes\r\n\r\n X-Injected: yes\r\nSubject: ws\r\n\r\nbody\r\n");
  }

  @Test
  void headersOnly_headerStillAdded() throws Exception {
    String data = throughProxy(requireTls(data("C: Subject: no body\n")));

    assertThat(data).endsWith("\r\nSubject: no body\r\nRequire-TLS-ESMTP: yes\r\n");
  }
}
