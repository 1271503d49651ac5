package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;

class PostqueueTest {
  private static final String REFUSED =
      "connect to mx.example.net[192.0.2.1]:25: Connection refused";

  @TempDir Path base;
  private PostqueueFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new PostqueueFixture(base);
  }

  private static String id(QueueId id, String status) {
    return String.format("%-11s", id.value() + status);
  }

  @Test
  void list_mixedQueues_printsPostfixTable() throws Exception {
    QueueId active = f.message(QueueName.ACTIVE, "2009-11-24T08:01:05Z", "s@example.org",
        "r@example.com");
    QueueId incoming = f.message(QueueName.INCOMING, "2009-11-04T23:59:59Z", "s@example.org",
        "r@example.com");
    QueueId deferred = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "",
        "a@example.net", "c@example.com", "b@example.net", "d@example.org");
    f.deferred(QueueName.DEFERRED, deferred, "a@example.net", "an earlier reason");
    f.deferred(QueueName.DEFERRED, deferred, "a@example.net", REFUSED);
    f.deferred(QueueName.DEFERRED, deferred, "b@example.net", REFUSED);
    f.deferred(QueueName.DEFERRED, deferred, "d@example.org", "gone by now");
    f.done(QueueName.DEFERRED, deferred, "d@example.org");
    QueueId hold = f.message(QueueName.HOLD, "2009-11-24T08:30:00Z", "john doe@example.com",
        "r@example.com");

    int status = f.run("-p");

    String rcptIndent = " ".repeat(41);
    assertThat(status).isZero();
    assertThat(f.out()).isEqualTo(
        "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
        + id(active, "*") + "      21 Tue Nov 24 08:01:05  s@example.org\n"
        + rcptIndent + "r@example.com\n"
        + "\n"
        + id(incoming, "") + "      21 Wed Nov  4 23:59:59  s@example.org\n"
        + rcptIndent + "r@example.com\n"
        + "\n"
        + id(deferred, "") + "      21 Tue Nov 24 07:00:00  MAILER-DAEMON\n"
        + " ".repeat(76 - REFUSED.length()) + "(" + REFUSED + ")\n"
        + rcptIndent + "a@example.net\n"
        + rcptIndent + "b@example.net\n"
        + " ".repeat(76 - 18) + "(reason unavailable)\n"
        + rcptIndent + "c@example.com\n"
        + "\n"
        + id(hold, "!") + "      21 Tue Nov 24 08:30:00  \"john doe\"@example.com\n"
        + rcptIndent + "r@example.com\n"
        + "\n"
        + "-- 0 Kbytes in 4 Requests.\n");
    assertThat(f.err()).isEmpty();
  }

  @Test
  void list_corruptFile_warnsSkipsItAndSumsKbytes() throws Exception {
    QueueId id = f.message(QueueName.INCOMING, "2009-11-24T08:01:05Z", "s@example.org",
        "r@example.com");
    Files.writeString(f.queues.path(QueueName.INCOMING, id), "not a queue file");
    for (int i = 0; i < 49; i++) {
      f.message(QueueName.DEFERRED, "2009-11-24T08:01:05Z", "s@example.org", "r@example.com");
    }

    f.run("-p");

    assertThat(f.out()).endsWith("\n-- 1 Kbytes in 49 Requests.\n");
    assertThat(f.err()).startsWith("postqueue: warning: " + id + ": ");
    assertThat(f.queues.path(QueueName.INCOMING, id)).exists();
  }

  @Test
  void list_emptyQueue_saysMailQueueIsEmpty() {
    int status = f.run("-p");

    assertThat(status).isZero();
    assertThat(f.out()).isEqualTo("Mail queue is empty\n");
  }

  @Test
  void mailq_noArguments_listsLikePostqueueP() throws Exception {
    f.message(QueueName.HOLD, "2009-11-24T08:30:00Z", "s@example.org", "r@example.com");

    int status = f.postqueue().mailqMain(List.of("-C", f.config.resolve("main.cf").toString()));

    assertThat(status).isZero();
    assertThat(f.out()).contains("!      21 Tue Nov 24 08:30:00  s@example.org\n")
        .endsWith("-- 0 Kbytes in 1 Request.\n");
  }

  @Test
  void mailq_recipientOperand_isUsageError() {
    int status = f.postqueue().mailqMain(List.of("-c", f.config.toString(), "r@example.com"));

    assertThat(status).isEqualTo(Sysexits.EX_USAGE);
    assertThat(f.err()).isEqualTo("mailq: fatal: display queue mode requires no recipient\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void json_deferredMessage_oneValidObjectPerLine() throws Exception {
    QueueId deferred = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "",
        "a@example.net", "c@example.com");
    f.deferred(QueueName.DEFERRED, deferred, "a@example.net", "say \"no\"\\ here");
    QueueId active = f.message(QueueName.ACTIVE, "2009-11-24T08:01:05Z", "s@example.org",
        "r@example.com");

    int status = f.run("-j");

    assertThat(status).isZero();
    String[] lines = f.out().split("\n");
    assertThat(lines).hasSize(2);
    Map<String, Object> first = (Map<String, Object>) JsonParser.parse(lines[0]);
    assertThat(first).containsEntry("queue_name", "active")
        .containsEntry("queue_id", active.value())
        .containsEntry("arrival_time", 1259049665L)
        .containsEntry("message_size", 21L)
        .containsEntry("forced_expire", false)
        .containsEntry("sender", "s@example.org")
        .containsEntry("recipients", List.of(Map.of("orig_address", "r@example.com", "address", "r@example.com")));
    Map<String, Object> second = (Map<String, Object>) JsonParser.parse(lines[1]);
    assertThat(second).containsEntry("queue_name", "deferred")
        .containsEntry("sender", "MAILER-DAEMON")
        .containsEntry("recipients", List.of(
            Map.of("orig_address", "a@example.net", "address", "a@example.net", "delay_reason", "say \"no\"\\ here"),
            Map.of("orig_address", "c@example.com", "address", "c@example.com")));
    assertThat(lines[0]).startsWith("{\"queue_name\": \"active\", \"queue_id\": \"");
    // Postfix 3.11's member order: orig_address before address.
    assertThat(lines[0]).contains("\"recipients\": [{\"orig_address\": \"r@example.com\", \"address\": ");
  }

  @Test
  void json_emptyQueue_printsNothing() {
    assertThat(f.run("-j")).isZero();
    assertThat(f.out()).isEmpty();
  }

  @Test
  void flush_mailSystemDown_fatal69() {
    int status = f.run("-f");

    assertThat(status).isEqualTo(Sysexits.EX_UNAVAILABLE);
    assertThat(f.err()).isEqualTo(
        "postqueue: fatal: Cannot flush mail queue - mail system is down\n");
  }

  @Test
  void flushFile_mailSystemDown_leavesMessageDeferred() throws Exception {
    QueueId id = f.message(QueueName.DEFERRED, "2009-11-24T07:00:00Z", "s@example.org",
        "r@example.com");

    int status = f.run("-i", id.value());

    assertThat(status).isEqualTo(Sysexits.EX_UNAVAILABLE);
    assertThat(f.err()).contains("Cannot flush mail queue - mail system is down");
    assertThat(f.queues.path(QueueName.DEFERRED, id)).exists();
  }

  @Test
  void flushFile_invalidId_usage() {
    int status = f.run("-i", "not-an-id");

    assertThat(status).isEqualTo(Sysexits.EX_USAGE);
    assertThat(f.err()).isEqualTo(
        "postqueue: fatal: Cannot flush queue ID - invalid name: \"not-an-id\"\n");
  }

  @Test
  void flushSite_invalidDestination_usage() {
    int status = f.run("-s", "bad..site");

    assertThat(status).isEqualTo(Sysexits.EX_USAGE);
    assertThat(f.err()).isEqualTo(
        "postqueue: fatal: Cannot flush mail queue - invalid destination: \"bad..site\"\n");
  }

  @Test
  void main_twoModes_usage() {
    int status = f.run("-p", "-f");

    assertThat(status).isEqualTo(Sysexits.EX_USAGE);
    assertThat(f.err()).isEqualTo("postqueue: fatal: usage: postqueue -f | postqueue -i queueid"
        + " | postqueue -j | postqueue -p | postqueue -s site\n");
  }

  @Test
  void main_noMode_usage() {
    assertThat(f.run()).isEqualTo(Sysexits.EX_USAGE);
    assertThat(f.err()).startsWith("postqueue: fatal: usage: postqueue -f");
  }

  @Test
  void main_missingQueueDirectory_fatal69() throws Exception {
    Files.writeString(f.config.resolve("main.cf"), "queue_directory = " + base.resolve("nope"));

    assertThat(f.run("-p")).isEqualTo(Sysexits.EX_UNAVAILABLE);
    assertThat(f.err()).isEqualTo(
        "postqueue: fatal: chdir " + base.resolve("nope") + ": No such file or directory\n");
  }

  @Test
  void validSite_shapes_asPostfix() {
    assertThat(QueueFlush.validSite("example.com")).isTrue();
    assertThat(QueueFlush.validSite("[192.0.2.1]")).isTrue();
    assertThat(QueueFlush.validSite("[IPv6:2001:db8::1]")).isTrue();
    assertThat(QueueFlush.validSite("192.0.2.1")).isFalse();
    assertThat(QueueFlush.validSite("-bad.example")).isFalse();
    assertThat(QueueFlush.validSite("[example.com]")).isFalse();
  }
}
