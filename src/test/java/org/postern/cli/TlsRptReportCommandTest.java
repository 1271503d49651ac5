package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.tlsrpt.AppliedPolicy;
import org.postern.tlsrpt.Journal;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.SessionRecord;

class TlsRptReportCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T00:15:00Z"), ZoneOffset.UTC);

  private int run(String... args) throws Exception {
    Files.writeString(dir.resolve("main.cf"), "data_directory = " + dir.resolve("lib") + "\n"
        + "myhostname = client.test\nmydomain = client.test\n");
    List<String> argv = new java.util.ArrayList<>(List.of("-c", dir.toString()));
    argv.addAll(List.of(args));
    return TlsRptReportCommand.run(argv, CLOCK, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private void journal(Instant time) {
    AppliedPolicy p = new AppliedPolicy(PolicyType.STS, "example.com", List.of("mode: enforce"),
        List.of("mx.example.com"));
    try (Journal j = new Journal(dir.resolve("lib/tlsrpt"), w -> { })) {
      j.record(SessionRecord.success(time, p, "mx.example.com", "192.0.2.1"));
    }
  }

  @Test
  void run_dryRunDefaultDay_printsYesterdaysReport() throws Exception {
    journal(Instant.parse("2026-11-23T10:00:00Z"));
    journal(Instant.parse("2026-11-24T00:10:00Z"));

    int status = run("-n");

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("\"report-id\": \"2026-11-23_example.com@client.test\"")
        .contains("\"total-successful-session-count\": 1")
        .contains("\"organization-name\": \"client.test\"")
        .contains("\"contact-info\": \"postmaster@client.test\"");
  }

  @Test
  void run_dryRunDefault_everyFinishedDayOfTheLastWeekStillJournaled() throws Exception {
    for (String day : List.of("2026-11-16", "2026-11-20", "2026-11-23", "2026-11-24")) {
      journal(Instant.parse(day + "T10:00:00Z"));
    }

    assertThat(run("-n")).as(err.toString()).isZero();

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("\"report-id\": \"2026-11-20_example.com@client.test\"")
        .contains("\"report-id\": \"2026-11-23_example.com@client.test\"")
        .doesNotContain("2026-11-16_").doesNotContain("2026-11-24_");
    assertThat(Journal.file(dir.resolve("lib/tlsrpt"), LocalDate.of(2026, 11, 16))).exists();
  }

  @Test
  void run_dryRunToday_printsTheDaySoFar() throws Exception {
    journal(Instant.parse("2026-11-24T00:10:00Z"));

    assertThat(run("-n", "-d", "today")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("\"start-datetime\": \"" + LocalDate.of(2026, 11, 24) + "T00:00:00Z\"");
  }

  @Test
  void run_futureOrMalformedDay_usage() throws Exception {
    assertThat(run("-n", "-d", "2026-11-25")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(run("-n", "-d", "yesterday")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(run("-n", "extra")).isEqualTo(Sysexits.EX_USAGE);
  }

  @Test
  void run_nothingJournaled_printsNothing() throws Exception {
    assertThat(run("-n")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
