package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequireTlsReportCommandTest {
  @TempDir Path dir;

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
            new PrintStream(err, true, StandardCharsets.UTF_8));
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

    assertThat(out()).startsWith("usage: requiretls-report").contains("enforce: \"pass\"");
  }

  @Test
  void execute_twoLogFiles_usage() {
    assertThat(run("", "a", "b")).isEqualTo(Sysexits.EX_USAGE);
  }
}
