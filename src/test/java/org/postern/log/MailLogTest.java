package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailLogTest {
  private static final Clock MARCH_9 =
      Clock.fixed(Instant.parse("2025-03-09T14:05:07Z"), ZoneId.of("UTC"));
  private static final Clock DECEMBER_25 =
      Clock.fixed(Instant.parse("2025-12-25T23:59:01Z"), ZoneId.of("UTC"));

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private MailLog.Builder stdoutLog(Clock clock) {
    return MailLog.builder()
        .standardOutput(true)
        .clock(clock)
        .hostName("mail.example.com")
        .pid(4242)
        .standardStreams(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void info_fixedClockAndHost_postfixShape() throws IOException {
    stdoutLog(MARCH_9).build().program("smtpd").info("connect from unknown[192.0.2.1]");

    assertThat(stdout())
        .isEqualTo("Mar 09 14:05:07 mail postern/smtpd[4242]: connect from unknown[192.0.2.1]\n");
  }

  @Test
  void log_eachSeverity_postfixPrefix() throws IOException {
    ProgramLog qmgr = stdoutLog(DECEMBER_25).build().program("qmgr");

    qmgr.info("a");
    qmgr.warn("b");
    qmgr.error("c");
    qmgr.fatal("d");
    qmgr.panic("e");

    assertThat(stdout().lines())
        .containsExactly(
            "Dec 25 23:59:01 mail postern/qmgr[4242]: a",
            "Dec 25 23:59:01 mail postern/qmgr[4242]: warning: b",
            "Dec 25 23:59:01 mail postern/qmgr[4242]: error: c",
            "Dec 25 23:59:01 mail postern/qmgr[4242]: fatal: d",
            "Dec 25 23:59:01 mail postern/qmgr[4242]: panic: e");
  }

  @Test
  void process_twoSessionsOfOneProgram_ownNumbersAbovePidMaxLimit() throws IOException {
    ProcessNumbers numbers = new ProcessNumbers();
    MailLog log = stdoutLog(MARCH_9).processNumbers(numbers).build();
    MailLog other = stdoutLog(MARCH_9).syslogName("postern/submission").processNumbers(numbers)
        .build();
    ProgramLog smtpd = log.program("smtpd");

    ProgramLog first = smtpd.process();
    ProgramLog second = smtpd.process();
    ProgramLog third = other.program("smtpd").process();
    log.program("master").info("daemon started");
    first.info("connect from a[192.0.2.1]");
    second.info("connect from b[192.0.2.2]");
    third.info("connect from c[192.0.2.3]");

    assertThat(stdout().lines())
        .containsExactly(
            "Mar 09 14:05:07 mail postern/master[4242]: daemon started",
            "Mar 09 14:05:07 mail postern/smtpd[4194305]: connect from a[192.0.2.1]",
            "Mar 09 14:05:07 mail postern/smtpd[4194306]: connect from b[192.0.2.2]",
            "Mar 09 14:05:07 mail postern/submission/smtpd[4194307]: connect from c[192.0.2.3]");
  }

  @Test
  void info_nonEnglishDefaultLocale_englishMonth() throws IOException {
    Locale saved = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try {
      stdoutLog(Clock.fixed(Instant.parse("2025-05-02T08:00:00Z"), ZoneId.of("UTC")))
          .build()
          .program("cleanup")
          .info("x");
    } finally {
      Locale.setDefault(saved);
    }

    assertThat(stdout()).startsWith("May 02 08:00:00 mail postern/cleanup[4242]: x");
  }

  @Test
  void info_clockZone_localTime() throws IOException {
    stdoutLog(MARCH_9.withZone(ZoneId.of("America/New_York"))).build().program("smtp").info("x");

    assertThat(stdout()).startsWith("Mar 09 10:05:07 mail ");
  }

  @Test
  void info_syslogName_prefixesProgram() throws IOException {
    stdoutLog(MARCH_9).syslogName("postern-out").build().program("smtp").info("x");

    assertThat(stdout()).contains(" mail postern-out/smtp[4242]: x");
  }

  @Test
  void info_embeddedNewline_oneLineWithQuestionMark() throws IOException {
    stdoutLog(MARCH_9).build().program("smtpd").info("EHLO evil\r\nMar 09 fake line");

    assertThat(stdout().lines())
        .containsExactly("Mar 09 14:05:07 mail postern/smtpd[4242]: EHLO evil??Mar 09 fake line");
  }

  @Test
  void info_longText_cutAt2000Characters() throws IOException {
    stdoutLog(MARCH_9).build().program("smtpd").info("x".repeat(3000));

    String line = stdout().lines().findFirst().orElseThrow();
    assertThat(line.substring(line.indexOf("]: ") + 3)).hasSize(2000);
  }

  @Test
  void build_maillogFileDevStdout_writesStandardOutput() throws IOException {
    stdoutLog(MARCH_9)
        .standardOutput(false)
        .maillogFile("/dev/stdout")
        .build()
        .program("postfix")
        .info("x");

    assertThat(stdout()).isEqualTo("Mar 09 14:05:07 mail postern/postfix[4242]: x\n");
  }

  @Test
  void command_warning_alsoOnStderrAsMsgVstream() throws IOException {
    ByteArrayOutputStream commandErr = new ByteArrayOutputStream();
    ProgramLog postconf =
        stdoutLog(MARCH_9)
            .build()
            .command("postconf", new PrintStream(commandErr, true, StandardCharsets.UTF_8));

    postconf.warn("/etc/postern/main.cf, line 7: overriding earlier entry: myhostname=a");

    assertThat(commandErr.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "postconf: warning: /etc/postern/main.cf, line 7: overriding earlier entry:"
                + " myhostname=a\n");
    assertThat(stdout()).contains("postern/postconf[4242]: warning: /etc/postern/main.cf");
  }

  @Test
  void command_info_stderrWithoutSeverity() throws IOException {
    ByteArrayOutputStream commandErr = new ByteArrayOutputStream();
    stdoutLog(MARCH_9)
        .build()
        .command("postmap", new PrintStream(commandErr, true, StandardCharsets.UTF_8))
        .info("done");

    assertThat(commandErr.toString(StandardCharsets.UTF_8)).isEqualTo("postmap: done\n");
  }

  @Test
  void maillogFile_twoLogs_appendWholeLines(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("maillog");
    Files.writeString(file, "earlier line\n");

    MailLog.builder()
        .maillogFile(file.toString())
        .clock(MARCH_9)
        .hostName("mx")
        .pid(7)
        .build()
        .program("smtpd")
        .info("first");
    MailLog.builder()
        .maillogFile(file.toString())
        .clock(MARCH_9)
        .hostName("mx")
        .pid(8)
        .build()
        .program("qmgr")
        .warn("second");

    assertThat(Files.readAllLines(file))
        .containsExactly(
            "earlier line",
            "Mar 09 14:05:07 mx postern/smtpd[7]: first",
            "Mar 09 14:05:07 mx postern/qmgr[8]: warning: second");
  }

  @Test
  void maillogFile_new_createdPrivate(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("maillog");

    MailLog.builder()
        .maillogFile(file.toString())
        .clock(MARCH_9)
        .build()
        .program("smtpd")
        .info("x");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void maillogFile_manyVirtualThreads_noInterleavedLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("maillog");
    MailLog log =
        MailLog.builder().maillogFile(file.toString()).clock(MARCH_9).hostName("mx").pid(1).build();
    List<Future<?>> done = new ArrayList<>();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 50; t++) {
        ProgramLog smtpd = log.program("smtpd");
        int thread = t;
        done.add(
            executor.submit(
                () -> {
                  for (int i = 0; i < 40; i++) {
                    smtpd.info("thread " + thread + " line " + i + " " + "y".repeat(200));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2000);
    assertThat(lines)
        .allMatch(
            l ->
                l.matches("Mar 09 14:05:07 mx postern/smtpd\\[1\\]: thread \\d+ line \\d+ y{200}"));
  }

  @Test
  void build_maillogFileInMissingDirectory_namesParameterAndFile(@TempDir Path dir) {
    Path file = dir.resolve("no/such/dir/maillog");

    assertThatThrownBy(() -> MailLog.builder().maillogFile(file.toString()).build())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("maillog_file " + file);
  }

  @Test
  void build_unknownSyslogFacility_namesParameter() {
    assertThatThrownBy(() -> MailLog.builder().syslogFacility("mial").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("syslog_facility: unknown facility name: \"mial\"");
  }

  @Test
  void build_hostNameDefault_firstLabelOnly() throws IOException {
    stdoutLog(MARCH_9).hostName("a.b.example").build().program("smtpd").info("x");

    assertThat(stdout()).startsWith("Mar 09 14:05:07 a postern/smtpd[4242]: x");
  }
}
