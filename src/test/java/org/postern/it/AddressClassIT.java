package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postfix's five address classes at the SMTP door, end to end: Postern started on a Debian
 * virtual-hosting main.cf ({@link VirtualHostingDropIn}) serves a stranger (127.0.80.2, outside
 * {@code mynetworks = 127.0.0.99/32}) over STARTTLS with python3's smtplib. Known users of the
 * virtual mailbox, virtual alias, local and relay classes are accepted, unknown ones refused with
 * Postfix's texts (and the reject footer), a foreign domain is not relayed, and mail to known
 * virtual users lands in the virtual mailbox. The same RCPT dialogue against Debian's Postfix on
 * the same main.cf and tables gives the same replies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressClassIT {
  private static final String POSTERN_ADDRESS = "127.0.80.1";
  private static final String STRANGER = "127.0.80.2";
  private static final String POSTFIX_ADDRESS = "127.0.80.3";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  /** Every address class, known and unknown, and a foreign domain. */
  private static final List<String> PROBES = List.of(
      "alice@example.org", "Alice+news@Example.ORG", "nobody@example.org", "info@example.org",
      "carol@example.net", "bob@alias.test", "nobody@alias.test", "root@mx.hosting.test",
      "postmaster@mx.hosting.test", "nosuchuser@mx.hosting.test", "known@relay.test",
      "unknown@relay.test", "someone@foreign.test",
      // Routing operators: judged by where they really lead.
      "root%mx.hosting.test@mx.hosting.test", "known%relay.test@mx.hosting.test",
      "u%foreign.test@mx.hosting.test", "foreign.test!u@mx.hosting.test",
      "\"u@foreign.test\"@mx.hosting.test", "known%foreign.test@relay.test",
      "@mx.hosting.test:u@foreign.test");

  /** Senders of every class, for smtpd_reject_unlisted_sender = yes. */
  private static final List<String> SENDER_PROBES = List.of(
      "alice@example.org", "nobody@example.org", "bob@alias.test", "nobody@alias.test",
      "root@mx.hosting.test", "nosuchuser@mx.hosting.test", "unknown@relay.test", "x@foreign.test");

  private static final String SMTPLIB = """
      import smtplib, ssl, sys
      host, port, source, sender, data = sys.argv[1:6]
      recipients = sys.argv[6:]
      ctx = ssl.create_default_context()
      ctx.check_hostname = False
      ctx.verify_mode = ssl.CERT_NONE
      with smtplib.SMTP(host, int(port), local_hostname="stranger.test", source_address=(source, 0)) as c:
          c.ehlo()
          print("STARTTLS: %d" % c.starttls(context=ctx)[0])
          c.ehlo()
          code, text = c.mail(sender)
          print("MAIL: %d %s" % (code, text.decode()))
          if code != 250:
              sys.exit(0)
          accepted = 0
          for r in recipients:
              code, text = c.rcpt(r)
              accepted += code == 250
              print("RCPT %s: %d %s" % (r, code, text.decode().replace("\\n", " | ")))
          if data != "-" and accepted:
              code, text = c.data("Subject: %s\\r\\n\\r\\n%s\\r\\n" % (data, data))
              print("DATA: %d %s" % (code, text.decode()))
      """;

  private Path tmp;
  private PosternInstance postern;
  private int port;
  private int noRelayMapsPort;
  private int unlistedSenderPort;
  private Path vmail;
  private Path script;

  @BeforeAll
  void startPostern(@TempDir Path dir) throws Exception {
    tmp = dir;
    List<Path> certAndKey = TestPki.create(tmp.resolve("pki")).server("mx.hosting.test");
    vmail = Files.createDirectories(tmp.resolve("vmail"));
    UserPrincipalLookupService users = tmp.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(vmail, users.lookupPrincipalByName("nobody"));
    script = tmp.resolve("stranger.py");
    Files.writeString(script, SMTPLIB);

    Path root = tmp.resolve("postern");
    postern = PosternInstance.create(root, "");
    Path main = VirtualHostingDropIn.write(postern.config(), placeholders(certAndKey));
    Files.writeString(main, Files.readString(main) + String.join("\n",
        "", "queue_directory = " + root.resolve("spool"), "data_directory = " + root.resolve("lib"),
        "maillog_file = " + root.resolve("maillog"), ""));
    port = PosternInstance.freePort();
    noRelayMapsPort = PosternInstance.freePort();
    unlistedSenderPort = PosternInstance.freePort();
    Path master = postern.config().resolve("master.cf");
    Files.writeString(master, Files.readString(master)
        .replace("127.0.0.1:" + postern.smtpPort() + " ", POSTERN_ADDRESS + ":" + port + " ")
        + POSTERN_ADDRESS + ":" + noRelayMapsPort + " inet n - n - - smtpd\n"
        + "  -o relay_recipient_maps=\n"
        + unlistedSenderListener(POSTERN_ADDRESS, unlistedSenderPort));
    postern.start();
    assertThat(VirtualHostingDropIn.greets(POSTERN_ADDRESS, port))
        .as("Postern smtpd on the drop-in main.cf; log:\n" + postern.maillogText()).isTrue();
  }

  private Map<String, String> placeholders(List<Path> certAndKey) {
    return Map.of("CERT", certAndKey.get(0).toString(), "KEY", certAndKey.get(1).toString(),
        "VMAIL", vmail.toString(), "UID", "65534", "GID", "65534");
  }

  private static String unlistedSenderListener(String address, int listenPort) {
    return address + ":" + listenPort + " inet n - n - - smtpd\n  -o smtpd_reject_unlisted_sender=yes\n";
  }

  @AfterAll
  void stopPostern() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  /** The stranger's dialogue: one reply line per recipient ("RCPT addr: code text"), then DATA. */
  private Map<String, String> dialogue(String address, int smtpPort, String data, List<String> recipients)
      throws IOException, InterruptedException {
    return dialogue(address, smtpPort, "stranger@outside.test", data, recipients);
  }

  private Map<String, String> dialogue(String address, int smtpPort, String sender, String data,
      List<String> recipients) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), address,
        Integer.toString(smtpPort), STRANGER, sender, data));
    argv.addAll(recipients);
    PosternInstance.Result r = Commands.ok(argv, null, LIMIT);
    assertThat(r.out()).contains("STARTTLS: 220");
    Map<String, String> replies = new LinkedHashMap<>();
    r.out().lines().filter(l -> l.matches("(RCPT .*|MAIL|DATA): .*")).forEach(l -> {
      int colon = l.indexOf(": ");
      replies.put(l.substring(0, colon), l.substring(colon + 2));
    });
    return replies;
  }

  @Test
  void rcpt_fromStranger_followsTheAddressClasses() throws Exception {
    Map<String, String> r = dialogue(POSTERN_ADDRESS, port, "-", PROBES);
    String footer = " (client " + STRANGER + ")";
    assertThat(r).containsEntry("RCPT alice@example.org", "250 2.1.5 Ok")
        .containsEntry("RCPT Alice+news@Example.ORG", "250 2.1.5 Ok")
        .containsEntry("RCPT info@example.org", "250 2.1.5 Ok")
        .containsEntry("RCPT carol@example.net", "250 2.1.5 Ok")
        .containsEntry("RCPT bob@alias.test", "250 2.1.5 Ok")
        .containsEntry("RCPT root@mx.hosting.test", "250 2.1.5 Ok")
        .containsEntry("RCPT postmaster@mx.hosting.test", "250 2.1.5 Ok")
        .containsEntry("RCPT known@relay.test", "250 2.1.5 Ok")
        .containsEntry("RCPT nobody@example.org", "550 5.1.1 <nobody@example.org>: Recipient address"
            + " rejected: User unknown in virtual mailbox table" + footer)
        .containsEntry("RCPT nobody@alias.test", "550 5.1.1 <nobody@alias.test>: Recipient address"
            + " rejected: User unknown in virtual alias table" + footer)
        .containsEntry("RCPT nosuchuser@mx.hosting.test", "550 5.1.1 <nosuchuser@mx.hosting.test>:"
            + " Recipient address rejected: User unknown in local recipient table" + footer)
        .containsEntry("RCPT unknown@relay.test", "550 5.1.1 <unknown@relay.test>: Recipient address"
            + " rejected: User unknown in relay recipient table" + footer)
        .containsEntry("RCPT someone@foreign.test",
            "454 4.7.1 <someone@foreign.test>: Relay access denied" + footer)
        .containsEntry("RCPT root%mx.hosting.test@mx.hosting.test", "250 2.1.5 Ok")
        .containsEntry("RCPT known%relay.test@mx.hosting.test", "250 2.1.5 Ok")
        .containsEntry("RCPT u%foreign.test@mx.hosting.test",
            "454 4.7.1 <u%foreign.test@mx.hosting.test>: Relay access denied" + footer)
        .containsEntry("RCPT known%foreign.test@relay.test",
            "454 4.7.1 <known%foreign.test@relay.test>: Relay access denied" + footer);
  }

  @Test
  void rcpt_relayDomainWithoutRelayRecipientMaps_acceptsEveryUser() throws Exception {
    Map<String, String> r = dialogue(POSTERN_ADDRESS, noRelayMapsPort, "-",
        List.of("unknown@relay.test", "someone@foreign.test"));
    assertThat(r).containsEntry("RCPT unknown@relay.test", "250 2.1.5 Ok")
        .containsEntry("RCPT someone@foreign.test",
            "454 4.7.1 <someone@foreign.test>: Relay access denied (client " + STRANGER + ")");
  }

  @Test
  void rcpt_unlistedSenders_areRefusedWithSenderStatus() throws Exception {
    String footer = " (client " + STRANGER + ")";
    assertThat(dialogue(POSTERN_ADDRESS, unlistedSenderPort, "nobody@alias.test", "-",
        List.of("alice@example.org"))).containsEntry("RCPT alice@example.org", "550 5.1.7 <nobody@alias.test>:"
            + " Sender address rejected: User unknown in virtual alias table" + footer);
    assertThat(dialogue(POSTERN_ADDRESS, unlistedSenderPort, "nobody@example.org", "-",
        List.of("alice@example.org"))).containsEntry("RCPT alice@example.org", "550 5.1.0 <nobody@example.org>:"
            + " Sender address rejected: User unknown in virtual mailbox table" + footer);
    assertThat(dialogue(POSTERN_ADDRESS, unlistedSenderPort, "alice@example.org", "-",
        List.of("alice@example.org"))).containsEntry("RCPT alice@example.org", "250 2.1.5 Ok");
  }

  @Test
  void data_toKnownVirtualUsers_landsInTheVirtualMailbox() throws Exception {
    Map<String, String> r = dialogue(POSTERN_ADDRESS, port, "virtual-hosting-marker",
        List.of("alice@example.org", "bob@alias.test", "nobody@example.org"));
    assertThat(r.get("DATA")).startsWith("250 2.0.0 Ok: queued as");
    Path box = vmail.resolve("example.org/alice/new");
    // alice, and bob aliased to alice: cleanup keeps both (their original recipients differ).
    assertThat(Commands.await(LIMIT, () -> messages(box).size() == 2))
        .as("two copies in " + box + "; log:\n" + postern.maillogText())
        .isTrue();
    for (Path message : messages(box)) {
      assertThat(Files.readString(message, StandardCharsets.UTF_8)).contains("virtual-hosting-marker");
    }
    postern.awaitLog(Pattern.compile(
        Pattern.quote("to=<alice@example.org>, orig_to=<bob@alias.test>, relay=virtual")), LIMIT);
    assertThat(postern.maillogText()).doesNotContain("to=<nobody@example.org>, relay");
  }

  private static List<Path> messages(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Test
  void rcpt_sameDialogueWithDebianPostfix_givesTheSameReplies() throws Exception {
    Path root = tmp.resolve("postfix");
    Path config = root.resolve("etc");
    VirtualHostingDropIn.write(config,
        placeholders(TestPki.create(tmp.resolve("pki-postfix")).server("mx.hosting.test")));
    Files.createDirectories(root.resolve("spool"));
    Path data = Files.createDirectories(root.resolve("data"));
    Files.setOwner(data, tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix"));
    Path main = config.resolve("main.cf");
    Files.writeString(main, Files.readString(main) + String.join("\n", "",
        "queue_directory = " + root.resolve("spool"), "data_directory = " + data,
        "maillog_file = " + root.resolve("maillog"), "maillog_file_prefixes = " + root, ""));
    int postfixPort = PosternInstance.freePort();
    int postfixSenderPort = PosternInstance.freePort();
    Files.writeString(config.resolve("master.cf"), VirtualHostingDropIn.debianMasterCf(
        List.of(POSTFIX_ADDRESS + ":" + postfixPort + " inet n - n - - smtpd",
            unlistedSenderListener(POSTFIX_ADDRESS, postfixSenderPort))));
    VirtualHostingDropIn.traversable(tmp, config);
    VirtualHostingDropIn.traversable(tmp, tmp.resolve("pki-postfix"));
    List<String> postfix = List.of("/usr/sbin/postfix", "-c", config.toString());
    Commands.ok(concat(postfix, "start"), null, LIMIT);
    try {
      assertThat(VirtualHostingDropIn.greets(POSTFIX_ADDRESS, postfixPort)).as("Postfix smtpd").isTrue();
      assertThat(dialogue(POSTERN_ADDRESS, port, "-", PROBES))
          .isEqualTo(dialogue(POSTFIX_ADDRESS, postfixPort, "-", PROBES));
      assertThat(VirtualHostingDropIn.greets(POSTFIX_ADDRESS, postfixSenderPort)).as("Postfix smtpd").isTrue();
      for (String sender : SENDER_PROBES) {
        assertThat(dialogue(POSTERN_ADDRESS, unlistedSenderPort, sender, "-", List.of("alice@example.org")))
            .as("MAIL FROM:<" + sender + ">")
            .isEqualTo(dialogue(POSTFIX_ADDRESS, postfixSenderPort, sender, "-", List.of("alice@example.org")));
      }
    } finally {
      Commands.run(concat(postfix, "stop"), null, LIMIT);
    }
  }

  private static List<String> concat(List<String> argv, String last) {
    List<String> all = new ArrayList<>(argv);
    all.add(last);
    return all;
  }
}
