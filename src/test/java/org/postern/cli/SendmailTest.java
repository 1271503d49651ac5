package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.BodyType;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

class SendmailTest {
  private static final Sendmail.Invoker ALICE =
      new Sendmail.Invoker("alice", 1234, Optional.of("Alice Liddell"));

  @TempDir Path base;
  private QueueCommandTestSupport t;
  private Map<String, String> env = Map.of();

  @BeforeEach
  void setUp() throws IOException {
    t = new QueueCommandTestSupport(base);
  }

  private int sendmail(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("-c", t.config.toString()));
    all.addAll(List.of(args));
    return new Sendmail(QueueCommandTestSupport.stdin(stdin), t.out, t.errStream(), env,
        Clock.systemUTC(), ALICE).main(all);
  }

  private List<Queues.Located> maildrop() throws IOException {
    return t.queues.list(QueueName.MAILDROP);
  }

  private QueueFile only() throws IOException {
    assertThat(maildrop()).hasSize(1);
    return QueueFileReader.read(maildrop().get(0).path());
  }

  private String content(QueueFile f) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (QueueFileReader r = QueueFileReader.open(f.path())) {
      r.copyContent(out, "\n");
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<String> addresses(List<Recipient> rcpts) {
    return rcpts.stream().map(Recipient::address).toList();
  }

  private void assertNothingQueued() throws IOException {
    assertThat(maildrop()).isEmpty();
    try (var tmp = Files.list(t.queues.directory(QueueName.TMP))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void enqueue_senderAndRecipients_writesMaildropFile() throws Exception {
    int status = sendmail("Subject: hi\r\n\r\nbody\r\n", "-f", "a@example.com",
        "b@example.org", "Carol <c@example.net>, d@example.net");

    assertThat(status).isZero();
    QueueFile f = only();
    assertThat(f.envelope().sender()).isEqualTo("a@example.com");
    assertThat(addresses(f.envelope().recipients()))
        .containsExactly("b@example.org", "c@example.net", "d@example.net");
    assertThat(f.envelope().requireTls()).isFalse();
    assertThat(f.envelope().smtputf8()).isFalse();
    assertThat(f.envelope().attributes())
        .containsEntry("rewrite_context", "local")
        .containsEntry("sender_fullname", "Alice Liddell");
    assertThat(content(f)).isEqualTo("Subject: hi\n\nbody\n");
    assertThat(t.err()).isEmpty();
  }

  @Test
  void enqueue_withoutF_senderIsUnqualifiedLoginName() throws Exception {
    assertThat(sendmail("x\n", "b@example.org")).isZero();

    assertThat(only().envelope().sender()).isEqualTo("alice");
  }

  @Test
  void enqueue_nullSender_storesEmptySender() throws Exception {
    assertThat(sendmail("x\n", "-f", "<>", "b@example.org")).isZero();

    assertThat(only().envelope().sender()).isEmpty();
  }

  @Test
  void optionO_requireTlsAndSmtputf8AnyCase_setMarks() throws Exception {
    int status = sendmail("x\n", "-O", "RequireTLS=YES", "-O", "SMTPUTF8=Yes",
        "-O", "DeliveryMode=b", "b@example.org");

    assertThat(status).isZero();
    assertThat(only().envelope().requireTls()).isTrue();
    assertThat(only().envelope().smtputf8()).isTrue();
  }

  @Test
  void optionO_requireTlsNo_leavesMarkOff() throws Exception {
    assertThat(sendmail("x\n", "-O", "requiretls=no", "b@example.org")).isZero();

    assertThat(only().envelope().requireTls()).isFalse();
  }

  @Test
  void optionO_badRequireTlsValue_exitsUsage() throws Exception {
    assertThat(sendmail("x\n", "-O", "requiretls=maybe", "b@example.org"))
        .isEqualTo(Sysexits.EX_USAGE);

    assertThat(t.err()).contains("sendmail: fatal: bad -O requiretls value");
    assertNothingQueued();
  }

  @Test
  void dsnOptions_storeNotifyRetEnvidAndBodyType() throws Exception {
    int status = sendmail("x\n", "-N", "success,delay", "-R", "hdrs", "-V", "env-1",
        "-B", "8BITMIME", "b@example.org");

    assertThat(status).isZero();
    QueueFile f = only();
    assertThat(f.envelope().recipients().get(0).notifyFlags())
        .containsExactlyInAnyOrder(DsnNotify.SUCCESS, DsnNotify.DELAY);
    assertThat(f.envelope().dsnRet()).contains(DsnRet.HDRS);
    assertThat(f.envelope().envid()).contains("env-1");
    assertThat(f.envelope().bodyType()).contains(BodyType.EIGHT_BIT_MIME);
  }

  @Test
  void dsnOptions_notifyNever_isStored() throws Exception {
    assertThat(sendmail("x\n", "-N", "never", "b@example.org")).isZero();

    assertThat(only().envelope().recipients().get(0).notifyFlags())
        .containsExactly(DsnNotify.NEVER);
  }

  @Test
  void dsnOptions_badValues_warnAndAreIgnored() throws Exception {
    int status = sendmail("x\n", "-N", "never,success", "-R", "some", "b@example.org");

    assertThat(status).isZero();
    assertThat(t.err()).contains("sendmail: warning: bad -N option value -- ignored")
        .contains("sendmail: warning: bad -R option value -- ignored");
    assertThat(only().envelope().recipients().get(0).notifyFlags()).isEmpty();
    assertThat(only().envelope().dsnRet()).isEmpty();
  }

  @Test
  void optionB_badValue_exitsUsage() throws Exception {
    assertThat(sendmail("x\n", "-B", "binary", "b@example.org")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(t.err()).contains("-B option needs 8BITMIME or 7BIT");
  }

  @Test
  void optionF_fullName_overridesPasswordFile() throws Exception {
    assertThat(sendmail("x\n", "-F", "The Queen", "b@example.org")).isZero();

    assertThat(only().envelope().attributes()).containsEntry("sender_fullname", "The Queen");
  }

  @Test
  void fullName_fromNameEnvironment() throws Exception {
    env = Map.of("NAME", "Dodo");
    assertThat(sendmail("x\n", "b@example.org")).isZero();

    assertThat(only().envelope().attributes()).containsEntry("sender_fullname", "Dodo");
  }

  @Test
  void optionG_marksRemoteRewriteContext() throws Exception {
    assertThat(sendmail("x\n", "-G", "b@example.org")).isZero();

    assertThat(only().envelope().attributes()).containsEntry("rewrite_context", "remote");
  }

  @Test
  void loneDot_endsInputByDefault() throws Exception {
    assertThat(sendmail("a\n.\nb\n", "b@example.org")).isZero();

    assertThat(content(only())).isEqualTo("a\n");
  }

  @Test
  void loneDot_withI_isContent() throws Exception {
    assertThat(sendmail("a\n.\nb\n", "-i", "b@example.org")).isZero();

    assertThat(content(only())).isEqualTo("a\n.\nb\n");
  }

  @Test
  void loneDot_withOi_isContent() throws Exception {
    assertThat(sendmail("a\r\n.\r\nb", "-oi", "b@example.org")).isZero();

    assertThat(content(only())).isEqualTo("a\n.\nb\n");
  }

  @Test
  void ignoredOptions_areAccepted() throws Exception {
    int status = sendmail("x\n", "-o7", "-o8", "-om", "-oem", "-oQ/tmp", "-v", "-x", "-U",
        "-L", "label", "-h", "3", "b@example.org");

    assertThat(status).isZero();
    assertThat(maildrop()).hasSize(1);
  }

  @Test
  void leadingFromLines_areDropped() throws Exception {
    assertThat(sendmail("From alice Mon Jan 1\n>From x\nSubject: s\n\nFrom here\n",
        "b@example.org")).isZero();

    assertThat(content(only())).isEqualTo("Subject: s\n\nFrom here\n");
  }

  @Test
  void optionT_recipientsFromHeaders_bccRemoved() throws Exception {
    String message = "From: a@example.com\n"
        + "To: Bob <b@example.org>,\n  c@example.org\n"
        + "Cc: d@example.org (Dee)\n"
        + "Bcc: secret@example.org,\n\thidden@example.org\n"
        + "Subject: t\n\nTo: not@example.org\n";

    int status = sendmail(message, "-t", "-N", "failure", "extra@example.org");

    assertThat(status).isZero();
    QueueFile f = only();
    assertThat(addresses(f.envelope().recipients())).containsExactly("extra@example.org");
    assertThat(addresses(f.extracted().recipients())).containsExactly("b@example.org",
        "c@example.org", "d@example.org", "secret@example.org", "hidden@example.org");
    assertThat(f.extracted().recipients().get(0).notifyFlags())
        .containsExactly(DsnNotify.FAILURE);
    assertThat(content(f)).isEqualTo("From: a@example.com\n"
        + "To: Bob <b@example.org>,\n  c@example.org\n"
        + "Cc: d@example.org (Dee)\n"
        + "Subject: t\n\nTo: not@example.org\n");
  }

  @Test
  void optionT_resentHeaders_winOverOthers() throws Exception {
    String message = "To: old@example.org\nResent-To: new@example.org\n"
        + "Resent-Bcc: quiet@example.org\n\nbody\n";

    assertThat(sendmail(message, "-t")).isZero();

    QueueFile f = only();
    assertThat(addresses(f.extracted().recipients()))
        .containsExactly("new@example.org", "quiet@example.org");
    assertThat(content(f)).isEqualTo("To: old@example.org\nResent-To: new@example.org\n\nbody\n");
  }

  @Test
  void optionT_noHeaderRecipients_exitsUsage() throws Exception {
    assertThat(sendmail("Subject: none\n\nx\n", "-t")).isEqualTo(Sysexits.EX_USAGE);

    assertThat(t.err()).isEqualTo(
        "sendmail: fatal: alice(1234): No recipient addresses found in message header\n");
    assertNothingQueued();
  }

  @Test
  void noRecipients_exitsUsageAndQueuesNothing() throws Exception {
    assertThat(sendmail("x\n")).isEqualTo(Sysexits.EX_USAGE);

    assertThat(t.err()).contains("Recipient addresses must be specified on the command line");
    assertNothingQueued();
  }

  @Test
  void messageSizeLimit_exceeded_exitsDataErr() throws Exception {
    Files.writeString(t.config.resolve("main.cf"),
        "queue_directory = " + t.queueDirectory + "\nmessage_size_limit = 100\n");

    int status = sendmail("x".repeat(200) + "\n", "b@example.org");

    assertThat(status).isEqualTo(Sysexits.EX_DATAERR);
    assertThat(t.err()).isEqualTo("sendmail: fatal: alice(1234): message file too big\n");
    assertNothingQueued();
  }

  @Test
  void unwritableQueue_exitsTempfail() throws Exception {
    Path file = Files.writeString(base.resolve("plain-file"), "");
    Files.writeString(t.config.resolve("main.cf"), "queue_directory = " + file + "/spool\n");

    assertThat(sendmail("x\n", "b@example.org")).isEqualTo(Sysexits.EX_TEMPFAIL);
    assertThat(t.err()).contains("alice(1234): error writing queue file");
  }

  @Test
  void noDaemon_enqueueStillSucceeds() throws Exception {
    assertThat(t.queues.directory(QueueName.PUBLIC).resolve("pickup")).doesNotExist();

    assertThat(sendmail("x\n", "-v", "b@example.org")).isZero();

    assertThat(maildrop()).hasSize(1);
    assertThat(t.err()).contains("queued in maildrop; pickup not running");
  }

  @Test
  void otherModes_pointToTheirCommands() {
    assertThat(sendmail("", "-bi")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(sendmail("", "-I")).isEqualTo(Sysexits.EX_USAGE);

    assertThat(t.err()).contains("-bi is not supported by sendmail here: use bin/newaliases");
  }

  @Test
  void verify_queuesAProbeWithPostfixHeaderAndSaysWhereTheReportGoes() throws Exception {
    assertThat(sendmail("never read\n", "-f", "me@example.org", "-bv", "b@example.org, c@example.org"))
        .isZero();

    QueueFile f = only();
    assertThat(f.envelope().attributes()).containsEntry("trace_flags", "512");
    assertThat(f.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("b@example.org", "c@example.org");
    assertThat(content(f)).isEqualTo(
        "From: me@example.org\nSubject: probe\nTo:\tb@example.org,\n\tc@example.org\n");
    assertThat(t.out()).isEqualTo("Mail Delivery Status Report will be mailed to <me@example.org>.\n");
  }

  @Test
  void verify_withOptionsThatNeedAMessage_isRefusedAsPostfixDoes() {
    assertThat(sendmail("", "-bv", "-t")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(sendmail("", "-bv", "-N", "success", "b@example.org")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(sendmail("", "-bv", "-R", "hdrs", "b@example.org")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(sendmail("", "-bv", "-v", "b@example.org")).isEqualTo(Sysexits.EX_USAGE);

    assertThat(t.err()).contains("-t option cannot be used with -bv")
        .contains("-N option cannot be used with -bv")
        .contains("-R option cannot be used with -bv")
        .contains("-v option cannot be used with -bv");
  }

  @Test
  void queueModes_arePostqueue() {
    assertThat(sendmail("", "-bp")).as("-bp lists the (empty) queue").isZero();
    assertThat(sendmail("", "-q")).as("-q flushes; the mail system is down")
        .isEqualTo(Sysexits.EX_UNAVAILABLE);
    assertThat(sendmail("", "-qIBADID")).as("-qI is postqueue -i").isEqualTo(Sysexits.EX_USAGE);
  }

  @Test
  void optionT_withBs_exitsUsage() {
    assertThat(sendmail("", "-t", "-bs")).isEqualTo(Sysexits.EX_USAGE);
    assertThat(t.err()).contains("-t can be used only in delivery mode");
  }

  @Test
  void mailConfigOption_upperC_acceptsMainCfPath() throws Exception {
    List<String> args = List.of("-C", t.config.resolve("main.cf").toString(), "b@example.org");
    int status = new Sendmail(QueueCommandTestSupport.stdin("x\n"), t.out, t.errStream(), env,
        Clock.systemUTC(), ALICE).main(args);

    assertThat(status).isZero();
    assertThat(maildrop()).hasSize(1);
  }

  @Test
  void standAlone_smtpDialogue_queuesMessage() throws Exception {
    Files.writeString(t.config.resolve("main.cf"),
        "queue_directory = " + t.queueDirectory + "\nsmtputf8_enable = yes\n");
    String session = "EHLO client.example\r\n"
        + "MAIL FROM:<a@example.com> RET=HDRS ENVID=id+2B1 BODY=8BITMIME SIZE=100 SMTPUTF8\r\n"
        + "RCPT TO:<b@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.org\r\n"
        + "DATA\r\n"
        + "Subject: s\r\n\r\n..dot\r\nline\r\n.\r\n"
        + "QUIT\r\n";

    int status = sendmail(session, "-bs", "-O", "requiretls=yes");

    assertThat(status).isZero();
    String transcript = t.out();
    assertThat(transcript).startsWith("220 ").contains("250-PIPELINING\r\n")
        .contains("250-DSN\r\n250 SMTPUTF8\r\n").contains("250 2.1.0 Ok\r\n").contains("250 2.1.5 Ok\r\n")
        .contains("354 End data with <CR><LF>.<CR><LF>\r\n")
        .contains("250 2.0.0 Ok: queued as ").endsWith("221 2.0.0 Bye\r\n");
    QueueFile f = only();
    assertThat(transcript).contains("queued as " + f.id().orElseThrow() + "\r\n");
    assertThat(f.envelope().sender()).isEqualTo("a@example.com");
    Recipient r = f.envelope().recipients().get(0);
    assertThat(r.address()).isEqualTo("b@example.org");
    assertThat(r.notifyFlags()).containsExactlyInAnyOrder(DsnNotify.SUCCESS, DsnNotify.FAILURE);
    assertThat(r.dsnOrcpt()).contains("rfc822;b@example.org");
    assertThat(f.envelope().dsnRet()).contains(DsnRet.HDRS);
    assertThat(f.envelope().envid()).contains("id+1");
    assertThat(f.envelope().bodyType()).contains(BodyType.EIGHT_BIT_MIME);
    assertThat(f.envelope().requireTls()).isTrue();
    assertThat(f.envelope().smtputf8()).isTrue();
    assertThat(f.envelope().client().helo()).isEqualTo("client.example");
    assertThat(f.envelope().client().protocol()).isEqualTo("ESMTP");
    assertThat(content(f)).isEqualTo("Subject: s\n\n.dot\nline\n");
  }

  @Test
  void standAlone_errors_getPostfixReplies() throws Exception {
    String session = "RCPT TO:<b@example.org>\r\n"
        + "DATA\r\n"
        + "MAIL FROM:<a@example.com> REQUIRETLS\r\n"
        + "MAIL FROM:a@example.com\r\n"
        + "MAIL FROM:<a@example.com>\r\n"
        + "RCPT TO:<>\r\n"
        + "RCPT TO:<b@example.org> NOTIFY=NEVER,SUCCESS\r\n"
        + "DATA\r\n"
        + "RSET\r\n"
        + "NOOP\r\n"
        + "VRFY x\r\n"
        + "HELO\r\n";

    assertThat(sendmail(session, "-bs")).isZero();

    assertThat(t.out().split("\r\n")).containsExactly(
        t.out().split("\r\n")[0],
        "503 5.5.1 Error: need MAIL command",
        "503 5.5.1 Error: need RCPT command",
        "555 5.5.4 Unsupported option: REQUIRETLS",
        "250 2.1.0 Ok",
        "503 5.5.1 Error: nested MAIL command",
        "501 5.5.4 Syntax: RCPT TO:<address>",
        "501 5.5.4 Error: Bad NOTIFY parameter syntax",
        "554 5.5.1 Error: no valid recipients",
        "250 2.0.0 Ok",
        "250 2.0.0 Ok",
        "502 5.5.2 Error: command not recognized",
        "501 Syntax: HELO hostname");
    assertNothingQueued();
  }

  @Test
  void standAlone_messageTooBig_replies552() throws Exception {
    Files.writeString(t.config.resolve("main.cf"),
        "queue_directory = " + t.queueDirectory + "\nmessage_size_limit = 50\n");
    String session = "HELO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\n"
        + "DATA\r\n" + "y".repeat(80) + "\r\n.\r\nQUIT\r\n";

    assertThat(sendmail(session, "-bs")).isZero();

    assertThat(t.out()).contains("552 5.3.4 Error: message file too big\r\n")
        .endsWith("221 2.0.0 Bye\r\n");
    assertNothingQueued();
  }

  @Test
  void recipient_withoutAddress_isStoredEmpty() throws Exception {
    assertThat(sendmail("x\n", "(just a comment)")).isZero();

    assertThat(addresses(only().envelope().recipients())).containsExactly("");
    assertThat(only().envelope().recipients().get(0).notifyFlags()).isEqualTo(Set.of());
  }

  @Test
  void badValueOfParameterSendmailReads_exitsTempfailNamingFileLineAndParameter()
      throws Exception {
    for (String name : Sendmail.ENQUEUE_PARAMETERS) {
      if (name.equals("queue_directory")) {
        continue; // any text is a path
      }
      Files.writeString(t.config.resolve("main.cf"),
          "queue_directory = " + t.queueDirectory + "\n" + name + " = many\n");

      assertThat(sendmail("x\n", "b@example.org")).as(name).isEqualTo(Sysexits.EX_TEMPFAIL);
      assertThat(t.err()).as(name).contains(t.config.resolve("main.cf") + ", line 2: parameter "
          + name + ": bad");
    }
    assertNothingQueued();
  }

  @Test
  void badValueOfParameterSendmailDoesNotRead_messageStillQueued() throws Exception {
    Files.writeString(t.config.resolve("main.cf"),
        "queue_directory = " + t.queueDirectory + "\nsmtpd_timeout = 5x\n");

    assertThat(sendmail("x\n", "b@example.org")).isEqualTo(Sysexits.EX_OK);
    assertThat(maildrop()).hasSize(1);
  }
}
