package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same libmilter milter (pymilter) behind Postfix 3.12 and behind Postern, the same SMTP
 * dialogue to both: the replies, the milter log lines and what the edits make of the queued
 * message (content without the MTA's own Received: header; sender and recipients) must be the
 * same.
 */
class MilterPostfixDifferentialIT {
  private static final String MILTER_ADDRESS = "127.0.87.1";
  private static final String POSTFIX_ADDRESS = "127.0.87.10";
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final String MAIN_CF = "myhostname = mx.test\nmydestination = mx.test\n"
      + "local_recipient_maps =\nsmtpd_milters = ";
  private static final String TAGGED = "Subject: tag\nX-Change: old\nX-Remove: yes\n"
      + "From: a@example.com\nMessage-ID: <diff-1@example.com>\n"
      + "Date: Sun, 06 Dec 2026 14:00:00 +0000\n\nbody\n";

  @TempDir Path dir;
  private PyMilter milter;
  private Postfix312Instance postfix;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (postfix != null) {
      postfix.close();
    }
    if (milter != null) {
      milter.close();
    }
  }

  /** The dialogue: every reply the client got, in order. */
  private static List<String> dialogue(SmtpClient c) throws IOException {
    List<String> replies = new java.util.ArrayList<>();
    replies.add(c.command("EHLO client.test").text().lines().findFirst().orElse(""));
    replies.add(c.command("MAIL FROM:<a@example.com>").text());
    replies.add(c.command("RCPT TO:<blocked@mx.test>").text());
    replies.add(c.command("RCPT TO:<root@mx.test>").text());
    replies.add(c.command("RCPT TO:<removed@mx.test>").text());
    replies.add(c.command("DATA").text());
    c.send(TAGGED.replace("\n", "\r\n") + ".\r\n");
    replies.add(c.reply().text().replaceFirst("queued as [0-9A-Z]+", "queued as ID"));
    replies.add(c.command("MAIL FROM:<tempfail@example.com>").text());
    replies.add(c.command("MAIL FROM:<a@example.com>").text());
    replies.add(c.command("RCPT TO:<root@mx.test>").text());
    replies.add(c.command("DATA").text());
    c.send("Subject: reject\r\nMessage-ID: <diff-2@example.com>\r\n\r\nx\r\n.\r\n");
    replies.add(c.reply().text());
    replies.add(c.command("QUIT").text());
    return replies;
  }

  /** The milter log lines without time, process and queue id. */
  private static List<String> milterLines(String log) {
    Matcher m = Pattern.compile("(?m)^.*?\\]: (?:[0-9A-Z]+|NOQUEUE): (milter-.*)$").matcher(log);
    List<String> lines = new java.util.ArrayList<>();
    while (m.find()) {
      lines.add(m.group(1));
    }
    return lines;
  }

  /** What the edits decide: sender, recipients, and the content without the Received: header. */
  private static String essence(String postcat) {
    String envelope = postcat.lines()
        .filter(l -> l.startsWith("sender: ") || l.startsWith("recipient: "))
        .sorted().collect(Collectors.joining("\n"));
    String content = postcat.substring(postcat.indexOf('\n', postcat.indexOf("*** MESSAGE CONTENTS")) + 1,
        postcat.indexOf("*** HEADER EXTRACTED"));
    return envelope + "\n--\n" + content.replaceFirst("(?m)^Received: .*\\n(?:[ \\t].*\\n)*", "");
  }

  @Test
  void sameMilter_sameDialogue_sameRepliesLogLinesAndQueuedMessage() throws Exception {
    milter = PyMilter.start(dir, MILTER_ADDRESS);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(POSTFIX_ADDRESS))) {
      port = s.getLocalPort();
    }
    postfix = Postfix312Instance.start(dir, dir.resolve("postfix"), POSTFIX_ADDRESS, port,
        MAIN_CF + milter.spec());
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), MAIN_CF + milter.spec() + "\n");
    postern.startAndAwaitSmtp();

    List<String> postfixReplies;
    try (SmtpClient c = SmtpClient.connectFrom(null, InetAddress.getByName(POSTFIX_ADDRESS), port)) {
      postfixReplies = dialogue(c);
    }
    List<String> posternReplies;
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      posternReplies = dialogue(c);
    }
    assertThat(posternReplies).isEqualTo(postfixReplies);
    assertThat(postfixReplies.get(2)).isEqualTo("550-5.7.1 blocked by pymilter\n550 5.7.1 second line");

    assertThat(Commands.await(LIMIT, () -> milterLines(postern.maillogText()).size() == 3
        && milterLines(postfix.log()).size() == 3)).isTrue();
    assertThat(milterLines(postern.maillogText())).isEqualTo(milterLines(postfix.log()));

    Set<String> postfixIds = postfix.queueIds("incoming");
    Set<String> posternIds = postern.queueIds("incoming");
    assertThat(postfixIds).hasSize(1);
    assertThat(posternIds).hasSize(1);
    String expected = essence(postfix.postcat(postfixIds.iterator().next()));
    assertThat(expected).contains("X-Milter: tagged").contains("recipient: added@mx.test");
    assertThat(essence(postern.postcat(posternIds.iterator().next()))).isEqualTo(expected);
  }
}
