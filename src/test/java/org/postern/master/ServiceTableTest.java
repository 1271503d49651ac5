package org.postern.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.postern.config.ConfigException;
import org.postern.log.MailLog;
import org.postern.log.ProgramLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceTableTest {
  private static final String SMTPD = "127.0.0.1:2525 inet n - n - 20 smtpd\n";
  private static final String PICKUP = "pickup unix n - n 60 1 pickup\n";
  private static final String QMGR = "qmgr unix n - n 300 1 qmgr\n";

  @TempDir Path dir;
  private Path maillog;
  private ProgramLog log;
  private final RecordingFactory smtpd = new RecordingFactory(true);
  private final RecordingFactory pickup = new RecordingFactory(false);
  private ServiceTable table;

  @BeforeEach
  void setUp() throws IOException {
    maillog = dir.resolve("maillog");
    log = MailLog.builder().maillogFile(maillog.toString()).hostName("mx").build().program("master");
    ServiceRegistry registry =
        new ServiceRegistry().register("smtpd", smtpd).register("pickup", pickup);
    table = new ServiceTable(registry, new MailLogs(false));
  }

  private ConfigCheck config(String mainCf, String masterCf) throws IOException, ConfigException {
    Files.writeString(dir.resolve("main.cf"), "maillog_file = " + maillog + "\n" + mainCf);
    Files.writeString(dir.resolve("master.cf"), masterCf);
    return ConfigCheck.run(dir);
  }

  @Test
  void start_commandWithoutFactory_skipsWithOneWarningNamingTheLine() throws Exception {
    List<String> warnings = table.start(config("", SMTPD + PICKUP + QMGR), log);

    assertThat(table.runningNames()).containsExactly("127.0.0.1:2525/inet", "pickup/unix");
    String expected =
        dir.resolve("master.cf") + ", line 3: service qmgr/unix: command \"qmgr\" is not available"
            + " in this build; skipped";
    assertThat(warnings).containsExactly("warning: " + expected);
    assertThat(Files.readString(maillog)).contains("postern/master[").contains("warning: " + expected);
  }

  @Test
  void start_maxproc_becomesTheServicesSemaphore() throws Exception {
    table.start(config("default_process_limit = 7\n",
        SMTPD + PICKUP + "cleanup unix n - n - 0 smtpd\nrelay unix - - n - - smtpd\n"), log);

    assertThat(smtpd.made).extracting(s -> s.context().processLimit().availablePermits())
        .containsExactly(20, Integer.MAX_VALUE, 7);
    assertThat(pickup.made.get(0).context().processLimit().availablePermits()).isEqualTo(1);
  }

  @Test
  void start_serviceCannotBeMade_startsNothingAndThrows() throws Exception {
    smtpd.failing("127.0.0.1:2525/inet");
    ConfigCheck check = config("", PICKUP + SMTPD);

    assertThatThrownBy(() -> table.start(check, log))
        .isInstanceOf(ServiceTable.ServiceException.class)
        .hasMessageContaining("master.cf, line 2: service 127.0.0.1:2525/inet: cannot start:")
        .hasMessageContaining("Address already in use");
    assertThat(pickup.journal).isEmpty();
    assertThat(table.runningNames()).isEmpty();
  }

  @Test
  void start_twoServicesCannotBeMade_reportsBoth() throws Exception {
    smtpd.failing("127.0.0.1:2525/inet");
    pickup.failing("pickup/unix");
    ConfigCheck check = config("", PICKUP + SMTPD);

    assertThatThrownBy(() -> table.start(check, log))
        .isInstanceOfSatisfying(ServiceTable.ServiceException.class, e -> assertThat(e.problems())
            .hasSize(2)
            .anySatisfy(p -> assertThat(p).contains("service pickup/unix: cannot start:"))
            .anySatisfy(p -> assertThat(p).contains("service 127.0.0.1:2525/inet: cannot start:")));
    assertThat(table.runningNames()).isEmpty();
  }

  @Test
  void audit_serviceCannotBeMade_listsItWithoutStartingAnything() throws Exception {
    smtpd.failing("127.0.0.1:2525/inet");
    ConfigCheck check = config("", PICKUP + SMTPD);

    assertThat(table.audit(check, w -> { }))
        .singleElement().asString().contains("service 127.0.0.1:2525/inet: cannot start:");
    assertThat(pickup.journal).isEmpty();
    assertThat(table.runningNames()).isEmpty();
  }

  @Test
  void start_clientWithOwnSyslogName_cleanupLogsUnderMainCfsOrCleanupEntrysName() throws Exception {
    String submission = "submission inet n - n - - smtpd\n  -o syslog_name=postern/submission\n"
        + "  -o cleanup_service_name=pre-cleanup\n";
    table.start(config("", SMTPD.replace("\n", " -o syslog_name=postern/smtps\n") + submission
        + "cleanup unix n - n - 0 cleanup\n"
        + "pre-cleanup unix n - n - 0 cleanup -o syslog_name=postern-pre\n"), log);

    smtpd.made.get(0).context().cleanupLog().info("A1: message-id=<a@x>");
    smtpd.made.get(1).context().cleanupLog().info("B2: message-id=<b@x>");
    smtpd.made.get(0).context().log().info("connect from x[192.0.2.1]");

    assertThat(Files.readString(maillog))
        .containsPattern(" postern/cleanup\\[\\d+\\]: A1: message-id=<a@x>")
        .containsPattern(" postern-pre/cleanup\\[\\d+\\]: B2: message-id=<b@x>")
        .containsPattern(" postern/smtps/smtpd\\[\\d+\\]: connect from")
        .doesNotContain("postern/smtps/cleanup", "postern/submission/cleanup");
    assertThat(smtpd.made.get(1).context().config().get("cleanup_service_name")).isEqualTo("pre-cleanup");
  }

  @Test
  void start_deliveryEntries_logUnderTheirCommandAndOwnSyslogName() throws Exception {
    table.start(config("", SMTPD
        + "smtp-filter unix - - n - 2 smtp\n"
        + "relay unix - - n - - smtp -o syslog_name=postern/$service_name\n"), log);

    ServiceContext context = smtpd.made.get(0).context();
    context.unixLog("smtp-filter").info("C3: to=<a@x>, status=sent");
    context.unixLog("relay").info("D4: to=<b@x>, status=sent");
    context.unixLog("nosuch").info("E5: to=<c@x>, status=sent");

    assertThat(Files.readString(maillog))
        .containsPattern(" postern/smtp\\[\\d+\\]: C3: ")
        .containsPattern(" postern/relay/smtp\\[\\d+\\]: D4: ")
        .containsPattern(" postern/nosuch\\[\\d+\\]: E5: ")
        .doesNotContain("smtp-filter[");
  }

  @Test
  void refresh_masterCfEdited_startsAddedStopsRemovedKeepsUnchanged() throws Exception {
    table.start(config("", SMTPD + PICKUP), log);

    table.refresh(config("", "# moved down a line\n" + SMTPD + "submission inet n - n - - smtpd\n"),
        Duration.ZERO, log);

    assertThat(smtpd.journal)
        .containsExactly("start 127.0.0.1:2525/inet#1", "start submission/inet#2");
    assertThat(pickup.journal).containsExactly("start pickup/unix#1", "stop pickup/unix#1");
    assertThat(table.runningNames()).containsExactly("127.0.0.1:2525/inet", "submission/inet");
  }

  @Test
  void refresh_mainCfChanged_reloadsInPlaceOrReplaces() throws Exception {
    table.start(config("", SMTPD + PICKUP), log);
    RecordingService before = smtpd.made.get(0);

    table.refresh(config("smtpd_banner = $myhostname ESMTP reloaded\n", SMTPD + PICKUP),
        Duration.ZERO, log);

    assertThat(smtpd.journal).containsExactly("start 127.0.0.1:2525/inet#1", "reload 127.0.0.1:2525/inet#1");
    assertThat(before.context().config().get("smtpd_banner")).endsWith("ESMTP reloaded");
    assertThat(pickup.journal)
        .containsExactly("start pickup/unix#1", "stop pickup/unix#1", "start pickup/unix#2");
  }

  @Test
  void refresh_maxprocUnchanged_keepsTheSemaphore_changed_givesANewOne() throws Exception {
    table.start(config("", SMTPD), log);
    RecordingService s = smtpd.made.get(0);
    var first = s.context().processLimit();

    table.refresh(config("smtpd_banner = x\n", SMTPD), Duration.ZERO, log);
    assertThat(s.context().processLimit()).isSameAs(first);

    table.refresh(config("smtpd_banner = x\n", SMTPD.replace(" 20 ", " 5 ")), Duration.ZERO, log);
    assertThat(s.context().processLimit()).isNotSameAs(first);
    assertThat(s.context().processLimit().availablePermits()).isEqualTo(5);
  }

  @Test
  void refresh_commandChanged_replacesTheService() throws Exception {
    table.start(config("", "relay unix - - n - - pickup\n"), log);

    table.refresh(config("", "relay unix - - n - - smtpd\n"), Duration.ZERO, log);

    assertThat(pickup.journal).containsExactly("start relay/unix#1", "stop relay/unix#1");
    assertThat(smtpd.journal).containsExactly("start relay/unix#1");
  }

  @Test
  void refresh_skippedServiceChanged_doesNotWarnAgain_newOneDoes() throws Exception {
    table.start(config("", QMGR), log);

    List<String> warnings =
        table.refresh(config("smtpd_banner = x\n", QMGR + "flush unix n - n 1000? 0 flush\n"),
            Duration.ZERO, log);

    assertThat(warnings).singleElement().asString()
        .contains("line 2: service flush/unix: command \"flush\" is not available");
  }

  @Test
  void refresh_newServiceCannotStart_isReportedAndOthersRun() throws Exception {
    smtpd.failing("submission/inet");
    table.start(config("", PICKUP), log);

    List<String> warnings =
        table.refresh(config("", PICKUP + "submission inet n - n - - smtpd\n"), Duration.ZERO, log);

    assertThat(warnings).singleElement().asString().startsWith("error: ").contains("cannot start");
    assertThat(table.runningNames()).containsExactly("pickup/unix");
  }

  @Test
  void stopAll_stopsEveryService() throws Exception {
    table.start(config("", SMTPD + PICKUP), log);

    table.stopAll(Duration.ofSeconds(1), log);

    assertThat(smtpd.journal).contains("stop 127.0.0.1:2525/inet#1");
    assertThat(pickup.journal).contains("stop pickup/unix#1");
    assertThat(table.runningNames()).isEmpty();
  }
}
