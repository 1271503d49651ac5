package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequireTlsReportCommandTest {
  @TempDir Path dir;

  /** The log's lines are from the November before. */
  private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 12, 6, 19, 0, 0, 0, ZoneOffset.UTC);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private static final String LOG =
      """
      Nov 14 05:00:01 mx1 postfix/smtp[4711]: 4dXa1: to=<a@dane.example>, relay=mx.dane.example[192.0.2.1]:25, delay=0.5, delays=0.1/0/0.2/0.2, tls=dane/requiretls, dsn=2.0.0, status=sent (250 2.0.0 Ok)
      Nov 14 05:00:02 mx1 postfix/smtp[4711]: 4dXa2: to=<b@DANE.example>, relay=mx.dane.example[192.0.2.1]:25, conn_use=2, delay=0.5, delays=0.1/0/0.2/0.2, tls=dane/requiretls, dsn=2.0.0, status=sent (250 2.0.0 Ok)
      Nov 14 05:00:03 mx1 postfix/smtp[4712]: 4dXa3: to=<c@plain.example>, relay=mx.plain.example[192.0.2.2]:25, delay=0.5, delays=0.1/0/0.2/0.2, tls=may:none/requiretls:nostarttls, dsn=2.0.0, status=sent (250 ok)
      Nov 14 05:00:04 mx1 postfix/smtp[4712]: 4dXa4: to=<d@plain.example>, relay=none, delay=0.5, delays=0.1/0/0.4/0, tls=may/!requiretls:nocertmatch, dsn=5.7.10, status=bounced (REQUIRETLS: TLS security level "may" does not match certificates)
      Nov 14 05:00:05 mx1 postfix/smtp[4712]: connect to mx.plain.example[192.0.2.2]:25: Connection refused
      Nov 14 05:00:06 mx1 postfix/smtp[4713]: 4dXa5: to=<e@old.example>, relay=mx.old.example[192.0.2.3]:25, delay=1, delays=0/0/0.5/0.5, tls=may/requiretls:none, dsn=2.0.0, status=sent (250 ok)
      Nov 14 05:00:07 mx1 postfix/smtp[4713]: 4dXa6: to=<f@nomail.example>, relay=none, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (250 ok)
      Nov 14 05:00:08 mx1 postfix/smtp[4713]: 4dXa7: to=<g@old.example>, relay=mx.old.example[192.0.2.3]:25, delay=1, delays=0/0/0.5/0.5, tls=may/requiretls:
      Nov 14 05:00:09 mx1 postfix/local[4714]: 4dXa8: to=<h@mx1.example>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)
      Nov 14 05:00:10 mx1 mail/lmtp[4715]: 4dXa9: to=<i@store.example>, relay=store.example[private/lmtp], delay=0.1, delays=0/0/0/0.1, tls=none/requiretls:none, dsn=2.0.0, status=sent (250 2.0.0 Saved)
      Nov 14 05:00:11 mx1 postfix/smtp[4716]: 4dXb1: to=<j@old.example>, relay=none, delay=1, delays=0/0/1/0, tls=may?/requiretls?, dsn=4.4.1, status=deferred (connect to mx.old.example: timed out)
      Nov 14 05:00:12 mx1 postfix/smtp[4716]: 4dXb2: to=<k@old.example>, relay=none, delay=1, delays=0/0/1/0, tls=may/requiretls:none?, dsn=4.4.1, status=deferred (x)
      """;

  private int run(String stdin, String... args) {
    RequireTlsReportCommand command =
        new RequireTlsReportCommand(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            NOW);
    return command.execute(List.of(args));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void execute_mixedLog_tablePerDomainBusiestFirst() {
    assertThat(run(LOG, "-")).isZero();

    assertThat(out())
        .isEqualTo(
            """
            domain         enforce  total  requiretls  requiretls:nostarttls  requiretls:none  !requiretls:nocertmatch  requiretls?
            TOTAL              1/4      7           2                      1                2                        1            1
            dane.example      pass      2           2                      0                0                        0            0
            old.example       fail      2           0                      0                1                        0            1
            plain.example     fail      2           0                      1                0                        1            0
            store.example     fail      1           0                      0                1                        0            0
            """);
    assertThat(err())
        .isEqualTo(
            "requiretls-report: warning: stdin: skipped 2 malformed delivery status lines"
                + " (first: line 8: no status= field)\n");
  }

  @Test
  void execute_logFileNamed_sameAsStdin() throws IOException {
    Path log = dir.resolve("maillog");
    Files.writeString(log, LOG);

    assertThat(run("", log.toString())).isZero();

    assertThat(out()).startsWith("domain ").contains("dane.example      pass");
  }

  @Test
  void execute_noLogFile_readsMaillogFileOfConfig() throws IOException {
    Path log = dir.resolve("var/maillog");
    Files.createDirectories(log.getParent());
    Files.writeString(log, LOG.lines().findFirst().orElseThrow() + "\n");
    Files.writeString(dir.resolve("main.cf"), "maillog_file = " + dir + "/var/maillog\n");

    assertThat(run("", "-c", dir.toString())).isZero();

    assertThat(out())
        .isEqualTo(
            """
            domain        enforce  total  requiretls
            TOTAL             1/1      1           1
            dane.example     pass      1           1
            """);
    assertThat(err()).isEmpty();
  }

  @Test
  void execute_maillogFileEmpty_usage() throws IOException {
    Files.writeString(dir.resolve("main.cf"), "maillog_file =\n");

    assertThat(run("", "-c", dir.toString())).isEqualTo(Sysexits.EX_USAGE);

    assertThat(err()).contains("maillog_file is \"\"").contains("usage: requiretls-report");
  }

  @Test
  void execute_noRequireTlsDeliveries_headerAndZeroTotal() {
    assertThat(run("postfix/smtp[1]: A: to=<a@b>, relay=none, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (ok)\n", "-"))
        .isZero();

    assertThat(out()).isEqualTo("domain  enforce  total\nTOTAL       0/0      0\n");
  }

  @Test
  void execute_missingFile_noInput() {
    assertThat(run("", dir.resolve("absent").toString())).isEqualTo(Sysexits.EX_NOINPUT);

    assertThat(err()).startsWith("requiretls-report: fatal: " + dir.resolve("absent"));
  }

  @Test
  void execute_help_describesColumns() {
    assertThat(run("", "-h")).isZero();

    assertThat(out()).startsWith("usage: requiretls-report").contains("enforce: \"pass\"")
        .contains("--since TIME").contains("most recent past").contains("--by recipient|sender")
        .contains("--json");
  }

  @Test
  void execute_longHelp_sameAsH() {
    assertThat(run("", "--help")).isZero();

    assertThat(out()).startsWith("usage: requiretls-report").contains("check:mta-sts");
  }

  @Test
  void execute_twoLogFiles_usage() {
    assertThat(run("", "a", "b")).isEqualTo(Sysexits.EX_USAGE);
  }

  /**
   * Two days of a Postern log: qmgr's from= lines, the requiretls: check lines before the
   * status lines, a message whose from= line is before the log's start (4dXc0), a message with
   * two recipients, a non-REQUIRETLS delivery.
   */
  private static final String PROOF_LOG =
      """
      Dec 05 10:00:01 mx postern/smtp[1]: 4dXc0: requiretls: to=<a@dane.example>, relay=mx.dane.example[192.0.2.1]:25, check=dane (TLSA 3 1 1 matched depth 0)
      Dec 05 10:00:01 mx postern/smtp[1]: 4dXc0: to=<a@dane.example>, relay=mx.dane.example[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, tls=dane/requiretls, dsn=2.0.0, status=sent (250 ok)
      Dec 06 09:00:00 mx postern/qmgr[2]: 4dXc1: from=<boss@corp.example>, size=900, nrcpt=2 (queue active)
      Dec 06 09:00:01 mx postern/smtp[1]: 4dXc1: requiretls: to=<b@dane.example>, relay=mx.dane.example[192.0.2.1]:25, check=dane (TLSA 2 0 1 matched depth 1)
      Dec 06 09:00:01 mx postern/smtp[1]: 4dXc1: requiretls: to=<c@sts.example>, relay=mx.sts.example[192.0.2.2]:25, check=mta-sts (policy enforce for sts.example (id sts1), mx pattern mx.sts.example, PKIX name mx.sts.example)
      Dec 06 09:00:01 mx postern/smtp[1]: 4dXc1: to=<b@dane.example>, relay=mx.dane.example[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, tls=dane/requiretls, dsn=2.0.0, status=sent (250 ok)
      Dec 06 09:00:01 mx postern/smtp[1]: 4dXc1: to=<c@sts.example>, relay=mx.sts.example[192.0.2.2]:25, delay=1, delays=0/0/0.5/0.5, tls=secure/requiretls, dsn=2.0.0, status=sent (250 ok)
      Dec 06 12:00:00 mx postern/qmgr[2]: 4dXc2: from=<clerk@corp.example>, size=900, nrcpt=1 (queue active)
      Dec 06 12:00:01 mx postern/smtp[1]: 4dXc2: requiretls: to=<d@plain.example>, relay=none, check=none (no TLS)
      Dec 06 12:00:01 mx postern/smtp[1]: 4dXc2: to=<d@plain.example>, relay=none, delay=1, delays=0/0/1/0, tls=verify?/!requiretls:nocertmatch, dsn=5.7.10, status=bounced (x)
      Dec 06 13:00:00 mx postern/qmgr[2]: 4dXc3: from=<>, size=900, nrcpt=1 (queue active)
      Dec 06 13:00:01 mx postern/smtp[1]: 4dXc3: requiretls: to=<e@fp.example>, relay=mx.fp.example[192.0.2.3]:25, check=fingerprint (sha256 certificate fingerprint matched)
      Dec 06 13:00:01 mx postern/smtp[1]: 4dXc3: to=<e@fp.example>, relay=mx.fp.example[192.0.2.3]:25, delay=1, delays=0/0/0.5/0.5, tls=fingerprint/requiretls, dsn=2.0.0, status=sent (250 ok)
      Dec 06 14:00:00 mx postern/qmgr[2]: 4dXc4: from=<x@corp.example>, size=900, nrcpt=1 (queue active)
      Dec 06 14:00:01 mx postern/smtp[1]: 4dXc4: to=<f@plain.example>, relay=mx.plain.example[192.0.2.4]:25, delay=1, delays=0/0/0.5/0.5, tls=may, dsn=2.0.0, status=sent (250 ok)
      """;

  @Test
  void execute_checkLines_countedPerDomainInCheckColumns() {
    assertThat(run(PROOF_LOG, "-")).isZero();

    assertThat(out())
        .isEqualTo(
            """
            domain         enforce  total  requiretls  !requiretls:nocertmatch  check:dane  check:mta-sts  check:fingerprint  check:none
            TOTAL              3/4      5           4                        1           2              1                  1           1
            dane.example      pass      2           2                        0           2              0                  0           0
            fp.example        pass      1           1                        0           0              0                  1           0
            plain.example     fail      1           0                        1           0              0                  0           1
            sts.example       pass      1           1                        0           0              1                  0           0
            """);
    assertThat(err()).isEmpty();
  }

  @Test
  void execute_bySender_fromLinesOfQmgr_unknownWhenBeforeTheLog() {
    assertThat(run(PROOF_LOG, "--by", "sender", "-")).isZero();

    assertThat(out())
        .isEqualTo(
            """
            domain        enforce  total  requiretls  !requiretls:nocertmatch  check:dane  check:mta-sts  check:fingerprint  check:none
            TOTAL             2/3      5           4                        1           2              1                  1           1
            corp.example     fail      3           2                        1           1              1                  0           1
            (no domain)      pass      1           1                        0           0              0                  1           0
            (unknown)        pass      1           1                        0           1              0                  0           0
            """);
  }

  @Test
  void execute_sinceUntil_onlyLinesInsideTheWindow() {
    assertThat(run(PROOF_LOG, "--since=2026-12-06T09:00", "--until", "2026-12-06T13:00", "-"))
        .isZero();

    assertThat(out())
        .isEqualTo(
            """
            domain         enforce  total  requiretls  !requiretls:nocertmatch  check:dane  check:mta-sts  check:none
            TOTAL              2/3      3           2                        1           1              1           1
            dane.example      pass      1           1                        0           1              0           0
            plain.example     fail      1           0                        1           0              0           1
            sts.example       pass      1           1                        0           0              1           0
            """);
  }

  @Test
  void execute_window_syslogTimeWithoutYearTakenInThePast() {
    // "Dec 06 19:00:01" is a second after NOW: it is last year's line, before --since.
    String line = "Dec 06 19:00:01 mx postern/smtp[1]: 4dXd1: to=<a@b.example>, relay=none,"
        + " delay=1, delays=0/0/1/0, tls=may?/requiretls?, dsn=4.4.1, status=deferred (x)\n";

    assertThat(run(line, "--since", "2026-01-01", "-")).isZero();

    assertThat(out()).isEqualTo("domain  enforce  total\nTOTAL       0/0      0\n");
  }

  @Test
  void execute_windowAndLinesWithoutTime_skippedWithWarning() {
    String line = "postern/smtp[1]: 4dXd1: to=<a@b.example>, relay=none,"
        + " delay=1, delays=0/0/1/0, tls=may?/requiretls?, dsn=4.4.1, status=deferred (x)\n";

    assertThat(run(line + line, "--until", "2026-12-07", "-")).isZero();

    assertThat(err()).isEqualTo("requiretls-report: warning: stdin: skipped 2 REQUIRETLS"
        + " delivery status lines without a time, outside any --since/--until window\n");
  }

  @Test
  void execute_json_sameCountsAsTheTable() {
    assertThat(run(PROOF_LOG, "--json", "--by", "sender", "--since", "2026-12-06T12:00Z", "-"))
        .isZero();

    assertThat(out())
        .isEqualTo(
            """
            {
              "log": "stdin",
              "by": "sender",
              "since": "2026-12-06T12:00:00Z",
              "total": {
                "domains": 2,
                "passing": 1,
                "deliveries": 2,
                "outcomes": {
                  "requiretls": 1,
                  "!requiretls:nocertmatch": 1
                },
                "checks": {
                  "fingerprint": 1,
                  "none": 1
                }
              },
              "domains": [
                {
                  "domain": "(no domain)",
                  "enforce": "pass",
                  "deliveries": 1,
                  "outcomes": {
                    "requiretls": 1
                  },
                  "checks": {
                    "fingerprint": 1
                  }
                },
                {
                  "domain": "corp.example",
                  "enforce": "fail",
                  "deliveries": 1,
                  "outcomes": {
                    "!requiretls:nocertmatch": 1
                  },
                  "checks": {
                    "none": 1
                  }
                }
              ]
            }
            """);
  }

  @Test
  void execute_badOptions_usage() {
    assertThat(run("", "--since", "yesterday", "-")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(run("", "--since", "2026-12-07", "--until", "2026-12-06", "-"))
        .isEqualTo(Sysexits.EX_USAGE);
    assertThat(run("", "--by", "client", "-")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(run("", "--jsonn", "-")).isEqualTo(Sysexits.EX_USAGE);

    assertThat(err())
        .contains("requiretls-report: \"yesterday\" is not a date or time")
        .contains("--since 2026-12-07T00:00:00Z is after --until 2026-12-06T00:00:00Z")
        .contains("--by client: say recipient or sender")
        .contains("unrecognized option '--jsonn'")
        .contains("usage: requiretls-report [-c config_dir] [--since TIME]");
  }
}
