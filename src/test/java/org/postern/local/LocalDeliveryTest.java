package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.MailSubmitter;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.queue.BodyType;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.Recipient;

class LocalDeliveryTest {
  private static final String MESSAGE =
      "From: sender@example.net\r\nSubject: hello\r\n\r\nFrom the start\r\nbody\r\n";

  @TempDir Path tmp;
  private LocalFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new LocalFixture(tmp);
  }

  @Test
  void deliver_homeMailboxMaildir_writesNewFileWithHeaders() throws Exception {
    f.parameters.put("home_mailbox", "Maildir/");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.text()).isEqualTo("delivered to maildir");
    assertThat(r.dsn()).isEqualTo("2.0.0");
    Path maildir = f.home("alice").resolve("Maildir");
    assertThat(maildir.resolve("tmp")).isEmptyDirectory();
    assertThat(maildir.resolve("cur")).isEmptyDirectory();
    List<Path> fresh = list(maildir.resolve("new"));
    assertThat(fresh).hasSize(1);
    assertThat(fresh.get(0).getFileName().toString()).endsWith(".mx.example.org");
    assertThat(Files.readString(fresh.get(0))).startsWith(
        "Return-Path: <sender@example.net>\nX-Original-To: alice@mx.example.org\n"
            + "Delivered-To: alice@mx.example.org\nFrom: sender@example.net\n")
        .contains("\nFrom the start\n");
  }

  @Test
  void deliver_maildirRetryAfterCrash_writesNoSecondCopy() throws Exception {
    f.parameters.put("home_mailbox", "Maildir/");
    DeliveryRequest request = f.request(MESSAGE, "alice@mx.example.org");
    f.deliverOne(request);
    // qmgr never heard of it: the same request comes again, also after the MUA moved it to cur/.
    RecipientResult again = f.deliverOne(request);
    Path maildir = f.home("alice").resolve("Maildir");
    Path first = list(maildir.resolve("new")).get(0);
    Files.move(first, maildir.resolve("cur").resolve(first.getFileName() + ":2,S"));
    RecipientResult third = f.deliverOne(request);

    assertThat(again.text()).isEqualTo("delivered to maildir");
    assertThat(third.status()).isEqualTo(Status.SENT);
    assertThat(list(maildir.resolve("new"))).isEmpty();
    assertThat(list(maildir.resolve("cur"))).hasSize(1);
    assertThat(list(maildir.resolve("tmp"))).isEmpty();
  }

  @Test
  void deliver_maildirOtherMessage_writesSecondFile() throws Exception {
    f.parameters.put("home_mailbox", "Maildir/");
    f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));
    f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(list(f.home("alice").resolve("Maildir/new"))).hasSize(2);
  }

  @Test
  void deliver_spoolMbox_writesFromLineQuotesAndBlankLine() throws Exception {
    f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));
    RecipientResult second = f.deliverOne(f.request("Subject: two\r\n\r\nsecond", "alice@mx.example.org"));

    assertThat(second.text()).isEqualTo("delivered to mailbox");
    String mbox = Files.readString(f.spool.resolve("alice"));
    assertThat(mbox).startsWith("From sender@example.net  Wed May  1 12:34:56 2024\n"
        + "Return-Path: <sender@example.net>\n"
        + "X-Original-To: alice@mx.example.org\n"
        + "Delivered-To: alice@mx.example.org\n"
        + "From: sender@example.net\nSubject: hello\n\n>From the start\nbody\n\n"
        + "From sender@example.net  Wed May  1 12:34:56 2024\n");
    assertThat(mbox).endsWith("\nsecond\n\n");
    assertThat(f.spool.resolve("alice.lock")).doesNotExist();
  }

  @Test
  void deliver_nullSender_fromLineSaysMailerDaemon() throws Exception {
    DeliveryRequest request = f.request(Envelope.of("", List.of(Recipient.of("bob@mx.example.org"))),
        MESSAGE, ExtractedEnvelope.NONE);
    f.deliverOne(request);

    assertThat(Files.readString(f.spool.resolve("bob")))
        .startsWith("From MAILER-DAEMON  Wed May  1 12:34:56 2024\nReturn-Path: <>\n");
  }

  @Test
  void deliver_homeMailboxFile_appendsToMboxInHome() throws Exception {
    f.parameters.put("home_mailbox", "Mailbox");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "bob@mx.example.org"));

    assertThat(r.text()).isEqualTo("delivered to mailbox");
    assertThat(Files.readString(f.home("bob").resolve("Mailbox"))).startsWith("From sender@");
  }

  @Test
  void deliver_spoolLockedByDotlock_defers() throws Exception {
    Files.writeString(f.spool.resolve("alice.lock"), "");
    // A fresh lock held by someone else: five tries a second apart, then 4.2.0.
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.2.0");
    assertThat(r.text()).startsWith("cannot update mailbox " + f.spool.resolve("alice")
        + " for user alice. unable to create lock file");
    assertThat(f.spool.resolve("alice")).doesNotExist();
  }

  @Test
  void deliver_aliasToTwoAddresses_forwardsOneMessageKeepingMarks() throws Exception {
    f.aliases("team carol@remote.example, dave@remote.example");
    Recipient rcpt = new Recipient("team@mx.example.org", Optional.of("Team@mx.example.org"),
        Optional.of("rfc822;team@mx.example.org"), Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE),
        false, -1);
    Envelope envelope = new Envelope("sender@example.net", List.of(rcpt), Optional.of(DsnRet.HDRS),
        Optional.of("envid-1"), true, false, Optional.of(BodyType.EIGHT_BIT_MIME), ClientFacts.NONE,
        Map.of());
    RecipientResult r = f.deliverOne(f.request(envelope,
        "TLS-Required: no\r\nSubject: s\r\n\r\nbody\r\n", new ExtractedEnvelope(List.of(), true)));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.text()).isEqualTo("forwarded as ABCDE100");
    assertThat(r.action()).isEqualTo("relayed");
    assertThat(f.submitter.submissions).hasSize(1);
    LocalFixture.RecordingMailSubmitter.Submission s = f.submitter.submissions.get(0);
    assertThat(s.kind()).isEqualTo(MailSubmitter.Kind.FORWARD);
    Envelope forwarded = s.envelope();
    assertThat(forwarded.requireTls()).isTrue();
    assertThat(forwarded.sender()).isEqualTo("sender@example.net");
    assertThat(forwarded.envid()).contains("envid-1");
    assertThat(forwarded.dsnRet()).contains(DsnRet.HDRS);
    assertThat(forwarded.bodyType()).contains(BodyType.EIGHT_BIT_MIME);
    assertThat(forwarded.recipients()).extracting(Recipient::address)
        .containsExactly("carol@remote.example", "dave@remote.example");
    assertThat(forwarded.recipients()).allSatisfy(x -> {
      assertThat(x.dsnOrcpt()).contains("rfc822;team@mx.example.org");
      assertThat(x.originalRecipient()).contains("Team@mx.example.org");
      assertThat(x.notifyFlags()).containsExactly(DsnNotify.FAILURE);
    });
    assertThat(s.content()).startsWith("Received: by mx.example.org (Postern);\n\t")
        .contains("\nDelivered-To: team@mx.example.org\nTLS-Required: no\nSubject: s\n\nbody\n");
  }

  @Test
  void deliver_forwardingFails_defers() throws Exception {
    f.aliases("team carol@remote.example");
    f.submitter.failure = new java.io.IOException("cleanup said no");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "team@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.0");
    assertThat(r.text()).contains("cleanup said no");
  }

  @Test
  void deliver_aliasToFile_appendsMbox() throws Exception {
    Path file = tmp.resolve("archive");
    f.aliases("archive " + file);
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "archive@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.text()).isEqualTo("delivered to file: " + file);
    assertThat(Files.readString(file)).startsWith("From sender@example.net  ")
        .contains("Delivered-To: archive@mx.example.org\n").contains("\n>From the start\n");
  }

  @Test
  void deliver_aliasToCommand_runsShellWithMessageAndEnvironment() throws Exception {
    Path out = tmp.resolve("out");
    Path env = tmp.resolve("env");
    f.parameters.put("recipient_delimiter", "+");
    f.aliases("prog \"|cat > " + out + "; echo $SENDER $RECIPIENT $LOCAL $DOMAIN $EXTENSION $USER > "
        + env + "\"");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "Prog+Ext@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.text()).startsWith("delivered to command: cat > " + out);
    assertThat(Files.readString(out)).startsWith("From sender@example.net  ")
        .contains("Delivered-To: prog+ext@mx.example.org\n").contains("\nFrom the start\n");
    assertThat(Files.readString(env)).isEqualTo(
        "sender@example.net Prog+Ext@mx.example.org prog+ext mx.example.org ext nobody\n");
  }

  @Test
  void deliver_commandExits75_defers() throws Exception {
    f.aliases("prog \"|cat >/dev/null; exit 75\"");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "prog@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.0");
    assertThat(r.text()).isEqualTo("temporary failure");
  }

  @Test
  void deliver_commandExits67WithOutput_bounces() throws Exception {
    f.aliases("prog \"|echo no such person; exit 67\"");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "prog@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.1.1");
    assertThat(r.text()).isEqualTo("user unknown. Command output: no such person");
  }

  @Test
  void deliver_commandExitsOtherStatus_bouncesWith530() throws Exception {
    f.aliases("prog |exit 3");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "prog@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.3.0");
    assertThat(r.text()).isEqualTo("Command died with status 3: \"exit 3\"");
  }

  @Test
  void deliver_include_expandsFileAndForwards() throws Exception {
    Path list = tmp.resolve("list");
    Path file = tmp.resolve("copy");
    Files.writeString(list, "# members\ncarol@remote.example\n" + file + "\n\"|true\"\n");
    f.aliases("staff :include:" + list + ", dave@remote.example");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "staff@mx.example.org"));

    // Files and commands inside includes are refused by default (allow_mail_to_*: alias, forward).
    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.7.1");
    assertThat(r.text()).isEqualTo("mail to file is restricted");
    assertThat(f.submitter.submissions.get(0).envelope().recipients()).extracting(Recipient::address)
        .containsExactly("carol@remote.example", "dave@remote.example");
  }

  @Test
  void deliver_includeWithFilesAllowed_deliversFile() throws Exception {
    f.parameters.put("allow_mail_to_files", "alias, forward, include");
    Path list = tmp.resolve("list");
    Path file = tmp.resolve("copy");
    Files.writeString(list, file + "\n");
    f.aliases("staff :include:" + list);
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "staff@mx.example.org"));

    assertThat(r.text()).isEqualTo("delivered to file: " + file);
    assertThat(file).exists();
  }

  @Test
  void deliver_dotForward_forwardsAndKeepsCopy() throws Exception {
    Files.writeString(f.home("alice").resolve(".forward"), "carol@remote.example, \\alice\n");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.text()).isEqualTo("delivered to mailbox, forwarded as ABCDE100");
    assertThat(r.action()).isEqualTo("delivered");
    assertThat(Files.readString(f.spool.resolve("alice"))).contains("Subject: hello");
    assertThat(f.submitter.submissions.get(0).envelope().recipients()).extracting(Recipient::address)
        .containsExactly("carol@remote.example");
  }

  @Test
  void deliver_dotForwardListsOwner_deliversToMailbox() throws Exception {
    Files.writeString(f.home("bob").resolve(".forward"), "bob, \"|cat > " + tmp.resolve("bobcmd") + "\"\n");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "bob@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(f.spool.resolve("bob")).exists();
    assertThat(tmp.resolve("bobcmd")).exists();
    assertThat(f.submitter.submissions).isEmpty();
  }

  @Test
  void deliver_deliveredToPresent_bouncesAsLoop() throws Exception {
    RecipientResult r = f.deliverOne(f.request(
        "Delivered-To: Alice@mx.example.org\r\nSubject: x\r\n\r\nDelivered-To: bob@mx.example.org\r\n",
        "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.4.6");
    assertThat(r.text()).isEqualTo("mail forwarding loop for alice@mx.example.org");
    assertThat(f.spool.resolve("alice")).doesNotExist();
  }

  @Test
  void deliver_deliveredToOnlyInBody_isNoLoop() throws Exception {
    RecipientResult r = f.deliverOne(f.request(
        "Subject: x\r\n\r\nDelivered-To: bob@mx.example.org\r\n", "bob@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
  }

  @Test
  void deliver_unknownUser_bounces511() throws Exception {
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "Zed@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.1.1");
    assertThat(r.text()).isEqualTo("unknown user: \"zed\"");
    assertThat(r.relay()).isEqualTo("local");
  }

  @Test
  void deliver_extensionWithAlias_usesFullLocalPartFirst() throws Exception {
    f.parameters.put("recipient_delimiter", "+");
    f.aliases("alice+lists carol@remote.example");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice+lists@mx.example.org"));

    assertThat(r.text()).isEqualTo("forwarded as ABCDE100");
  }

  @Test
  void deliver_extensionWithoutAlias_deliversToUserAndReadsForwardExtension() throws Exception {
    f.parameters.put("recipient_delimiter", "+-");
    Path copy = tmp.resolve("news");
    Files.writeString(f.home("alice").resolve(".forward-news"), copy + "\n");
    RecipientResult withFile = f.deliverOne(f.request(MESSAGE, "alice-news@mx.example.org"));
    RecipientResult plain = f.deliverOne(f.request(MESSAGE, "alice+other@mx.example.org"));

    assertThat(withFile.text()).isEqualTo("delivered to file: " + copy);
    assertThat(plain.text()).isEqualTo("delivered to mailbox");
    assertThat(Files.readString(f.spool.resolve("alice"))).contains("X-Original-To: alice+other@");
  }

  @Test
  void deliver_aliasListsItsOwnName_deliversToUser() throws Exception {
    f.aliases("alice alice, carol@remote.example");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.text()).isEqualTo("delivered to mailbox, forwarded as ABCDE100");
  }

  @Test
  void deliver_mailboxCommand_runsAsUserWithExpansion() throws Exception {
    Path out = tmp.resolve("mbcmd");
    f.parameters.put("mailbox_command", "cat > " + out + "-$user");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "bob@mx.example.org"));

    assertThat(r.text()).isEqualTo("delivered to command: cat > " + out + "-bob");
    assertThat(Files.readString(tmp.resolve("mbcmd-bob"))).contains("Subject: hello");
  }

  @Test
  void deliver_malformedMailboxCommand_defersAsConfigurationError() throws Exception {
    f.parameters.put("mailbox_command", "cat > " + tmp.resolve("mbcmd") + "-${user");
    RecipientResult r = f.deliverOne(f.request(MESSAGE, "bob@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.5");
    assertThat(r.text()).isEqualTo("mail system configuration error");
    assertThat(tmp.resolve("mbcmd-bob")).doesNotExist();
  }

  @Test
  void deliver_twoRecipients_oneResultEach() throws Exception {
    try (LocalDelivery agent = f.agent()) {
      List<RecipientResult> results =
          agent.deliver(f.request(MESSAGE, "alice@mx.example.org", "nobody2@mx.example.org"));

      assertThat(results).extracting(RecipientResult::status)
          .containsExactly(Status.SENT, Status.BOUNCED);
    }
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
