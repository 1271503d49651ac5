package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();
  private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  private static final AppliedPolicy POLICY = new AppliedPolicy(PolicyType.STS, "example.com",
      List.of("version: STSv1", "mode: enforce", "odd\tline|with%stuff\nand more"),
      List.of("*.example.com", "mx.example.net"));

  @Test
  void record_thenRead_sameRecordsBack() throws Exception {
    SessionRecord ok = SessionRecord.success(NOON, POLICY, "mx1.example.com", "192.0.2.1");
    SessionRecord bad = SessionRecord.failure(NOON, POLICY, ResultType.CERTIFICATE_EXPIRED,
        "mx2.example.com", "2001:db8::1", "reason with\ttab")
        .withConnection("2001:db8::7", "mx2.example.com");
    try (Journal j = new Journal(dir, warnings::add)) {
      j.record(ok);
      j.record(bad);
    }

    Journal.Contents c = Journal.read(dir, DAY);

    assertThat(c.records()).containsExactly(ok, bad);
    assertThat(c.dropped()).isZero();
    assertThat(Files.readAllLines(Journal.file(dir, DAY))).hasSize(2);
    assertThat(warnings).isEmpty();
  }

  @Test
  void record_recordsOfTwoDays_twoFiles() throws Exception {
    try (Journal j = new Journal(dir, warnings::add)) {
      j.record(SessionRecord.success(NOON, POLICY, "mx", "192.0.2.1"));
      j.record(SessionRecord.success(NOON.plusSeconds(86400), POLICY, "mx", "192.0.2.1"));
    }

    assertThat(Journal.read(dir, DAY).records()).hasSize(1);
    assertThat(Journal.read(dir, DAY.plusDays(1)).records()).hasSize(1);
  }

  @Test
  void read_tornLastLine_droppedEarlierKept() throws Exception {
    SessionRecord ok = SessionRecord.success(NOON, POLICY, "mx1.example.com", "192.0.2.1");
    try (Journal j = new Journal(dir, warnings::add)) {
      j.record(ok);
    }
    String line = ok.line();
    Files.writeString(Journal.file(dir, DAY), line.substring(0, line.length() / 2),
        StandardOpenOption.APPEND);

    Journal.Contents c = Journal.read(dir, DAY);

    assertThat(c.records()).containsExactly(ok);
    assertThat(c.dropped()).isEqualTo(1);
  }

  @Test
  void record_afterTornLine_newRecordStartsOnItsOwnLine() throws Exception {
    SessionRecord ok = SessionRecord.success(NOON, POLICY, "mx1.example.com", "192.0.2.1");
    Files.createDirectories(dir);
    Files.writeString(Journal.file(dir, DAY), ok.line() + "\n" + ok.line().substring(0, 9));

    try (Journal j = new Journal(dir, warnings::add)) {
      j.record(ok);
    }

    Journal.Contents c = Journal.read(dir, DAY);
    assertThat(c.records()).containsExactly(ok, ok);
    assertThat(c.dropped()).isEqualTo(1);
  }

  @Test
  void read_garbageAndTornUtf8_skippedNotFatal() throws Exception {
    Files.createDirectories(dir);
    byte[] garbage = "not a record\n1\t1\tsts\n".getBytes(StandardCharsets.UTF_8);
    byte[] torn = {'1', '\t', (byte) 0xc3};
    Files.write(Journal.file(dir, DAY), garbage);
    Files.write(Journal.file(dir, DAY), torn, StandardOpenOption.APPEND);

    Journal.Contents c = Journal.read(dir, DAY);

    assertThat(c.records()).isEmpty();
    assertThat(c.dropped()).isEqualTo(3);
  }

  @Test
  void read_noJournal_noRecords() throws Exception {
    assertThat(Journal.read(dir.resolve("none"), DAY).records()).isEmpty();
  }

  @Test
  void record_unwritableDirectory_warnsOnceAndCarriesOn() throws Exception {
    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    try (Journal j = new Journal(file, warnings::add)) {
      j.record(SessionRecord.success(NOON, POLICY, "mx", "192.0.2.1"));
      j.record(SessionRecord.success(NOON, POLICY, "mx", "192.0.2.1"));
    }

    assertThat(warnings).singleElement().asString().startsWith("TLSRPT journal " + file)
        .endsWith("; session not counted");
  }

  @Test
  void read_firstVersionLine_readWithoutConnection() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(Journal.file(dir, DAY), "1\t" + NOON.getEpochSecond()
        + "\tsts\texample.com\tmode: enforce\t*.example.com\tstarttls-not-supported"
        + "\tmx.example.com\t192.0.2.1\tSTARTTLS not offered\n");

    Journal.Contents c = Journal.read(dir, DAY);

    assertThat(c.records()).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.STARTTLS_NOT_SUPPORTED);
      assertThat(r.sendingIp()).isEmpty();
      assertThat(r.receivingHelo()).isEmpty();
    });
  }

  @Test
  void settle_allSent_journalRemoved() throws Exception {
    try (Journal j = new Journal(dir, warnings::add)) {
      j.record(SessionRecord.success(NOON, POLICY, "mx", "192.0.2.1"));
    }

    Journal.settle(dir, DAY, Set.of());

    assertThat(Journal.file(dir, DAY)).doesNotExist();
  }

  @Test
  void settle_someUnsent_keepsOnlyTheirRecords() throws Exception {
    AppliedPolicy other = new AppliedPolicy(PolicyType.NO_POLICY_FOUND, "example.org",
        List.of(), List.of());
    SessionRecord kept = SessionRecord.success(NOON, POLICY, "mx", "192.0.2.1");
    try (Journal j = new Journal(dir, warnings::add)) {
      j.record(kept);
      j.record(SessionRecord.success(NOON, other, "mx.example.org", "192.0.2.2"));
    }
    Files.writeString(Journal.file(dir, DAY), "torn", StandardOpenOption.APPEND);

    Journal.settle(dir, DAY, Set.of("example.com"));

    Journal.Contents c = Journal.read(dir, DAY);
    assertThat(c.records()).containsExactly(kept);
    assertThat(c.dropped()).isZero();
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(Journal.file(dir, DAY));
    }
  }

  @Test
  void expire_journalsOlderThanAWeek_removedOthersKept() throws Exception {
    Files.createDirectories(dir);
    for (LocalDate d : List.of(DAY.minusDays(8), DAY.minusDays(7), DAY)) {
      Files.writeString(Journal.file(dir, d), "");
    }
    Files.writeString(dir.resolve("notes.txt"), "");

    List<LocalDate> removed = Journal.expire(dir, DAY);

    assertThat(removed).containsExactly(DAY.minusDays(8));
    assertThat(Journal.file(dir, DAY.minusDays(8))).doesNotExist();
    assertThat(Journal.file(dir, DAY.minusDays(7))).exists();
    assertThat(dir.resolve("notes.txt")).exists();
  }

  @Test
  void days_journalFilesOnly_oldestFirst() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(Journal.file(dir, DAY), "");
    Files.writeString(Journal.file(dir, DAY.minusDays(3)), "");
    Files.writeString(dir.resolve("." + DAY + ".journal.tmp"), "");
    Files.writeString(dir.resolve("2026-13-45.journal"), "");

    assertThat(Journal.days(dir)).containsExactly(DAY.minusDays(3), DAY);
  }

  @Test
  void expire_noDirectory_nothing() throws Exception {
    assertThat(Journal.expire(dir.resolve("none"), DAY)).isEmpty();
  }
}
