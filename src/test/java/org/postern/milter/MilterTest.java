package org.postern.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.postern.milter.ScriptedMilter.concat;
import static org.postern.milter.ScriptedMilter.frame;
import static org.postern.milter.ScriptedMilter.optneg;
import static org.postern.milter.ScriptedMilter.reply;
import static org.postern.milter.ScriptedMilter.strings;
import static org.postern.milter.ScriptedMilter.thenHangUp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MilterTest {
  private static final MacroLists MACROS = MacroLists.of("j {daemon_name} v _", "{tls_version}",
      "i {mail_addr}", "i {rcpt_addr}", "i", "i", "i", "");
  private static final Macros VALUES = name -> Optional.ofNullable(Map.of(
      "{j}", "mx.example.com", "{_}", "client.example [192.0.2.1]", "{i}", "ABC123",
      "{mail_addr}", "a@example.com").get(name));

  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private Milter open(ScriptedMilter m, DefaultAction action, String protocol) {
    return Milter.open(new MilterSpec(m.name(), Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(5), action, protocol), MACROS, warnings::add);
  }

  private Milter open(ScriptedMilter m) {
    return open(m, DefaultAction.TEMPFAIL, "6");
  }

  private static MilterMessage message(String body, String... headers) {
    List<MilterMessage.Header> list = new ArrayList<>();
    for (int i = 0; i < headers.length; i += 2) {
      list.add(new MilterMessage.Header(headers[i], headers[i + 1]));
    }
    return new MilterMessage(list,
        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static Function<Packet, byte[]> continueAll() {
    return p -> reply('c');
  }

  @Test
  void envelopeEvents_continue_sendsEventsAndMacros() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0), continueAll())) {
      Milter m = open(sm);
      assertEquals(Verdict.CONTINUE, m.connect("client.example", "192.0.2.1", 2525, VALUES));
      assertEquals(Verdict.CONTINUE, m.helo("client.example", VALUES));
      assertEquals(Verdict.CONTINUE, m.mail(List.of("<a@example.com>", "SIZE=10"), VALUES));
      assertEquals(Verdict.CONTINUE, m.rcpt(List.of("<b@example.org>"), VALUES));
      assertEquals(Verdict.CONTINUE, m.data(VALUES));
      m.quit();
      sm.awaitHangup();
      assertEquals("ODCDHDMDRDTQ", sm.commands());
      Packet optneg = sm.received().get(0);
      Packet.Reader r = optneg.reader();
      assertEquals(6, r.int32());
      assertEquals(0x1ff, r.int32());
      String connectMacros = ScriptedMilter.text(sm.received().get(1));
      assertEquals("Cj\0mx.example.com\0_\0client.example [192.0.2.1]\0", connectMacros);
      Packet connect = sm.received().get(2);
      assertEquals("client.example\u00004\u0009\u00dd192.0.2.1\0",
          new String(connect.data(), StandardCharsets.ISO_8859_1));
      assertEquals("<a@example.com>\0SIZE=10\0", ScriptedMilter.text(sm.received().get(6)));
      assertEquals("Mi\0ABC123\0{mail_addr}\0a@example.com\0",
          ScriptedMilter.text(sm.received().get(5)));
    }
  }

  @Test
  void rcpt_reject_replies550CommandRejected() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'R' ? reply('r') : reply('c'))) {
      Milter m = open(sm);
      m.connect("unknown", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      Verdict v = m.rcpt(List.of("<b@example.org>"), VALUES);
      assertEquals("550 5.7.1 Command rejected", ((Verdict.Refuse) v).reply().firstLine());
      Packet connect = sm.received().get(2);
      assertTrue(ScriptedMilter.text(connect).startsWith("[192.0.2.1]\0"), "unknown name as [addr]");
    }
  }

  @Test
  void mail_tempfail_replies451() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'M' ? reply('t') : reply('c'))) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      Verdict v = m.mail(List.of("<a@example.com>"), VALUES);
      assertEquals("451 4.7.1 Service unavailable - try again later",
          ((Verdict.Refuse) v).reply().firstLine());
    }
  }

  @Test
  void setreply_multiLine_keepsEveryLine() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0), p -> p.command() == 'M'
        ? strings('y', "550-5.7.1 first line\r\n550 5.7.1 second 100%% sure") : reply('c'))) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      MilterReply r = ((Verdict.Refuse) m.mail(List.of("<a@example.com>"), VALUES)).reply();
      assertEquals(550, r.code());
      assertEquals("5.7.1", r.enhanced());
      assertEquals(List.of("first line", "second 100% sure"), r.lines());
      assertEquals("550-5.7.1 first line??550 5.7.1 second 100% sure", r.logText());
    }
  }

  @Test
  void connect_reject_persistsWithoutAskingAgain() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'C' ? strings('y', "554 5.7.1 go away") : reply('c'))) {
      Milter m = open(sm);
      Verdict v = m.connect("client.example", "192.0.2.1", 1, VALUES);
      assertEquals("554 5.7.1 go away", ((Verdict.Refuse) v).reply().firstLine());
      assertEquals(v, m.mail(List.of("<a@example.com>"), VALUES));
      assertEquals("ODC", sm.commands());
    }
  }

  @Test
  void connect_accept_noMoreEventsThisSession() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'C' ? reply('a') : reply('r'))) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      assertEquals(Verdict.CONTINUE, m.mail(List.of("<a@example.com>"), VALUES));
      assertEquals("ODC", sm.commands());
    }
  }

  @Test
  void negotiation_skippedStagesAndNoReplies_notSentNorAwaited() throws IOException {
    int events = Protocol.NOHELO | Protocol.NOHDRS | Protocol.NR_RCPT | Protocol.NR_BODY;
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, events),
        p -> p.command() == 'R' || p.command() == 'B' ? new byte[0] : reply('c'))) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.helo("client.example", VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      assertEquals(Verdict.CONTINUE, m.rcpt(List.of("<b@example.org>"), VALUES));
      Milter.Eom eom = m.message(message("body\n", "Subject", " hi"), VALUES, 0);
      assertEquals(Verdict.CONTINUE, eom.verdict());
      assertEquals("ODCDDMDRDNDBDE", sm.commands(), "HELO macros go, the HELO does not");
    }
  }

  @Test
  void protocol2_dataAndUnknownNotSent() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(2, 0), continueAll())) {
      Milter m = open(sm, DefaultAction.TEMPFAIL, "2");
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.unknown("XYZZY", VALUES);
      m.data(VALUES);
      assertEquals(2, sm.received().get(0).reader().int32());
      assertEquals("ODC", sm.commands());
    }
  }

  @Test
  void olderMilterVersion_eventsOfNewerVersionNotSent() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(3, 0), continueAll())) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.unknown("XYZZY", VALUES);
      m.data(VALUES);
      assertEquals("ODCDU", sm.commands(), "no DATA, not even its macros");
    }
  }

  @Test
  void setsymlist_overridesMacroList() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0, 0, "{j} {_}"), continueAll())) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      assertEquals("C{j}\0mx.example.com\0{_}\0client.example [192.0.2.1]\0",
          ScriptedMilter.text(sm.received().get(1)));
    }
  }

  @Test
  void message_headersBodyChunksAndEdits() throws IOException {
    StringBuilder big = new StringBuilder();
    while (big.length() < 70_000) {
      big.append("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
    }
    byte[] edits = concat(
        strings('h', "X-Added", "yes"),
        frame('i', new Packet.Builder().int32(0).string("X-Top").string("first").build()),
        frame('m', new Packet.Builder().int32(1).string("Subject").string("changed").build()),
        frame('m', new Packet.Builder().int32(1).string("X-Old").string("").build()),
        strings('2', "<new@example.org>", "NOTIFY=NEVER"),
        strings('-', "<b@example.org>"),
        strings('e', "<other@example.com>"),
        frame('b', "new body\r\n".getBytes(StandardCharsets.US_ASCII)),
        strings('q', "held for review"),
        reply('c'));
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'E' ? edits : reply('c'))) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      Milter.Eom eom = m.message(message(big.toString(), "Subject", " hi", "X-Old", "\tx"),
          VALUES, 0);
      assertEquals(new Verdict.Hold("held for review"), eom.verdict());
      assertEquals(8, eom.edits().size());
      assertEquals(new Edit.InsertHeader(0, "X-Top", "first", false), eom.edits().get(1));
      assertTrue(((Edit.ChangeHeader) eom.edits().get(3)).deletes());
      assertEquals(new Edit.AddRecipient("<new@example.org>", "NOTIFY=NEVER"), eom.edits().get(4));
      assertEquals(new Edit.ChangeSender("<other@example.com>", ""), eom.edits().get(6));
      assertEquals("new body\r\n",
          new String(((Edit.ReplaceBody) eom.edits().get(7)).body(), StandardCharsets.US_ASCII));
      List<Packet> bodies = sm.received().stream().filter(p -> p.command() == 'B').toList();
      assertEquals(2, bodies.size());
      assertEquals(65535, bodies.get(0).data().length);
      int total = bodies.stream().mapToInt(p -> p.data().length).sum();
      assertEquals(big.length() + big.chars().filter(c -> c == '\n').count(), total);
      Packet subject = sm.received().stream().filter(p -> p.command() == 'L').findFirst().get();
      assertEquals("Subject\0hi\0", ScriptedMilter.text(subject), "one leading space eaten");
      assertEquals(Verdict.CONTINUE, m.mail(List.of("<a@example.com>"), VALUES),
          "a quarantine does not outlive its message");
    }
  }

  @Test
  void message_discard_isDiscard() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'E' ? reply('d') : reply('c'))) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      assertInstanceOf(Verdict.Discard.class, m.message(message("x\n"), VALUES, 0).verdict());
    }
  }

  @Test
  void body_skip_stopsSendingChunks() throws IOException {
    String body = "x".repeat(200_000);
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, Protocol.SKIP_SUPPORTED),
        p -> p.command() == 'B' ? reply('s') : reply('c'))) {
      Milter m = open(sm);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      assertEquals(Verdict.CONTINUE, m.message(message(body), VALUES, 0).verdict());
      assertEquals(1, sm.received().stream().filter(p -> p.command() == 'B').count());
      assertTrue(sm.commands().endsWith("BDE"));
    }
  }

  @Test
  void macroDefaults_fillMacrosTheMtaDoesNotKnow() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0), continueAll())) {
      MilterSettings settings = new MilterSettings(List.of(new MilterSpec(sm.name(),
          Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5),
          DefaultAction.TEMPFAIL, "6")), MacroLists.of("", "", "{auth_type} {mail_addr}", "", "",
          "", "", ""), "mx", "Postern 1",
          MilterSettings.macroDefaults("auth_type=none, { mail_addr = never used }"));
      try (Milters m = Milters.open(settings, warnings::add)) {
        m.connect("client.example", "192.0.2.1", 1, VALUES);
        m.mail(List.of("<a@example.com>"), VALUES);
      }
      sm.awaitHangup();
      assertEquals("M{auth_type}\0none\0{mail_addr}\0a@example.com\0",
          ScriptedMilter.text(sm.received().get(3)));
    }
  }

  @Test
  void connectionRefused_shutdown_replies421() {
    Milter m = Milter.open(new MilterSpec("unix:" + dir.resolve("none.sock"), Duration.ofSeconds(1),
        Duration.ofSeconds(1), Duration.ofSeconds(1), DefaultAction.SHUTDOWN, "6"), MACROS,
        warnings::add);
    Verdict v = m.connect("client.example", "192.0.2.1", 1, VALUES);
    assertEquals("421 4.7.1 Service unavailable - try again later",
        ((Verdict.Refuse) v).reply().firstLine());
    assertTrue(warnings.get(0).startsWith("connect to Milter service unix:"), warnings.toString());
  }

  @Test
  void connectionRefused_accept_continues() {
    Milter m = Milter.open(new MilterSpec("unix:" + dir.resolve("none.sock"), Duration.ofSeconds(1),
        Duration.ofSeconds(1), Duration.ofSeconds(1), DefaultAction.ACCEPT, "6"), MACROS,
        warnings::add);
    assertEquals(Verdict.CONTINUE, m.connect("client.example", "192.0.2.1", 1, VALUES));
    assertFalse(m.active());
  }

  // Hostile replies: each costs at most the default action.

  private Verdict mailReply(byte[] answer, DefaultAction action) throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'M' ? answer : reply('c'))) {
      Milter m = open(sm, action, "6");
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      Verdict v = m.mail(List.of("<a@example.com>"), VALUES);
      assertEquals(v, m.rcpt(List.of("<b@example.org>"), VALUES), "the failure persists");
      return v;
    }
  }

  private static String text(Verdict v) {
    return ((Verdict.Refuse) v).reply().firstLine();
  }

  @Test
  void badReplyCode_isConfigurationError() throws IOException {
    assertEquals("451 4.3.5 Server configuration problem - try again later",
        text(mailReply(strings('y', "250 2.0.0 fine"), DefaultAction.TEMPFAIL)));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("malformed reply: 250 2.0.0 fine")));
  }

  @Test
  void replyCodeWithCrlfInjection_isRejectedAsMalformed() throws IOException {
    assertEquals("451 4.3.5 Server configuration problem - try again later",
        text(mailReply(strings('y', "550 5.7.1 x\r\n250 ok"), DefaultAction.TEMPFAIL)));
  }

  @Test
  void truncatedPacket_isCommunicationError() throws IOException {
    byte[] truncated = thenHangUp(new byte[] {0, 0, 0, 10, 'y', '5', '5'});
    assertEquals("451 4.7.1 Service unavailable - try again later",
        text(mailReply(truncated, DefaultAction.TEMPFAIL)));
  }

  @Test
  void oversizedPacket_isCommunicationErrorWithoutReadingIt() throws IOException {
    byte[] huge = thenHangUp(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertEquals("421 4.7.1 Service unavailable - try again later",
        text(mailReply(huge, DefaultAction.SHUTDOWN)));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("unreasonable packet length")));
  }

  @Test
  void zeroLengthPacket_isCommunicationError() throws IOException {
    assertEquals("550 5.5.0 Service unavailable",
        text(mailReply(thenHangUp(new byte[] {0, 0, 0, 0}), DefaultAction.REJECT)));
  }

  @Test
  void unexpectedReply_isCommunicationError() throws IOException {
    assertEquals(new Verdict.Hold("default_action"),
        mailReply(thenHangUp(strings('h', "X", "y")), DefaultAction.QUARANTINE));
  }

  @Test
  void continueWithData_isCommunicationError() throws IOException {
    assertEquals(Verdict.CONTINUE,
        mailReply(thenHangUp(frame('c', new byte[] {1})), DefaultAction.ACCEPT));
  }

  @Test
  void lostConnectionDuringBodyReplacement_accept_neverAcceptsOldBody() throws IOException {
    byte[] partial = thenHangUp(frame('b', "replacement part 1\r\n".getBytes(StandardCharsets.US_ASCII)));
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'E' ? partial : reply('c'))) {
      Milter m = open(sm, DefaultAction.ACCEPT, "6");
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      Milter.Eom eom = m.message(message("old body\n"), VALUES, 0);
      assertEquals("421 4.7.0 Service unavailable", text(eom.verdict()));
      assertTrue(eom.edits().isEmpty());
    }
  }

  @Test
  void endlessProgress_isCommunicationError() throws IOException {
    byte[] flood = new byte[5 * (Milter.MAX_PACKETS_PER_EVENT + 1)];
    for (int i = 0; i < flood.length; i += 5) {
      System.arraycopy(reply('p'), 0, flood, i, 5);
    }
    assertEquals("451 4.7.1 Service unavailable - try again later",
        text(mailReply(thenHangUp(flood), DefaultAction.TEMPFAIL)));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("replies without a decision")));
  }

  @Test
  void milterThatStopsReading_writeTimesOut() throws IOException {
    String body = "x".repeat(8 * 1024 * 1024);
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, Protocol.NR_BODY), p -> {
      if (p.command() == 'B') {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return reply('c');
    })) {
      Milter m = Milter.open(new MilterSpec(sm.name(), Duration.ofSeconds(5), Duration.ofSeconds(5),
          Duration.ofSeconds(1), DefaultAction.TEMPFAIL, "6"), MACROS, warnings::add);
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      assertEquals("451 4.7.1 Service unavailable - try again later",
          text(m.message(message(body), VALUES, 0).verdict()));
      assertTrue(warnings.stream().anyMatch(w -> w.contains("timed out")), warnings.toString());
    }
  }

  @Test
  void badChangeHeaderIndex_isConfigurationError() throws IOException {
    byte[] bad = frame('m', new Packet.Builder().int32(-5).string("Subject").string("x").build());
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'E' ? bad : reply('c'))) {
      Milter m = open(sm, DefaultAction.TEMPFAIL, "6");
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      assertEquals("451 4.3.5 Server configuration problem - try again later",
          text(m.message(message("x\n"), VALUES, 0).verdict()));
    }
  }

  @Test
  void headerValueThatEndsTheHeader_isConfigurationError() throws IOException {
    byte[] bad = strings('h', "X-Evil", "a\r\n\r\nsmuggled body");
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0),
        p -> p.command() == 'E' ? bad : reply('c'))) {
      Milter m = open(sm, DefaultAction.TEMPFAIL, "6");
      m.connect("client.example", "192.0.2.1", 1, VALUES);
      m.mail(List.of("<a@example.com>"), VALUES);
      assertEquals("451 4.3.5 Server configuration problem - try again later",
          text(m.message(message("x\n"), VALUES, 0).verdict()));
    }
  }

  @Test
  void badProtocolSetting_isConfigurationError() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0), continueAll())) {
      Milter m = open(sm, DefaultAction.SHUTDOWN, "5");
      assertEquals("421 4.3.5 Server configuration problem - try again later",
          text(m.connect("client.example", "192.0.2.1", 1, VALUES)));
    }
  }

  @Test
  void newerMilterVersion_isCommunicationError() throws IOException {
    try (ScriptedMilter sm = new ScriptedMilter(dir, optneg(6, 0), continueAll())) {
      Milter m = open(sm, DefaultAction.TEMPFAIL, "4");
      assertEquals("451 4.7.1 Service unavailable - try again later",
          text(m.connect("client.example", "192.0.2.1", 1, VALUES)));
      assertTrue(warnings.stream().anyMatch(w -> w.contains("protocol version 6 conflict")));
    }
  }
}
