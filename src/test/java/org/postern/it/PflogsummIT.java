package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern's maillog read by a tool written for Postfix's: Debian's pflogsumm, told the syslog
 * name ({@code --syslog-name=postern}) as for any Postfix with a non-default syslog_name, counts
 * the messages received, delivered and bounced in a run.
 */
class PflogsummIT {
  private static final Path PFLOGSUMM = Path.of("/usr/sbin/pflogsumm");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void deliveriesAndBounce_countedByPflogsumm() throws Exception {
    assertThat(PFLOGSUMM)
        .as("pflogsumm is not installed: apt-get install pflogsumm (Debian package pflogsumm)")
        .isExecutable();
    postern =
        PosternInstance.create(
            dir,
            String.join(
                "\n",
                "myhostname = mx.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.1/32",
                "local_recipient_maps =",
                ""));
    postern.startAndAwaitSmtp();
    for (int i = 1; i <= 3; i++) {
      String id = Submit.swaks(postern, "a@example.com", "root@mx.test", "--header", "Subject: counted " + i);
      postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    }
    String bounced = Submit.swaks(postern, "root@mx.test", "nosuch@mx.test");
    String notice =
        postern.awaitLog(Pattern.compile(bounced + ": sender non-delivery notification: ([0-9A-Za-z]+)"), LIMIT);
    postern.awaitLog(Pattern.compile(notice + ": removed"), LIMIT);
    postern.stop();

    PosternInstance.Result r =
        Commands.ok(
            List.of(PFLOGSUMM.toString(), "--syslog-name=postern", postern.maillog().toString()), null, LIMIT);
    String report = r.out();
    System.out.println("PflogsummIT: pflogsumm report:\n" + report);
    assertThat(total(report, "received")).as("received in:\n" + report).isEqualTo(4);
    assertThat(total(report, "delivered")).as("delivered (3 messages and the bounce) in:\n" + report).isEqualTo(4);
    assertThat(total(report, "bounced")).as("bounced in:\n" + report).isEqualTo(1);
    assertThat(total(report, "deferred")).as("deferred in:\n" + report).isZero();
    assertThat(report).containsPattern("(?m)^\\s+local \\(total: 1\\)\\n\\s+1\\s+unknown user: \"nosuch\"$");
    assertThat(Files.size(postern.maillog())).isPositive();
  }

  /** The Grand Totals count on the line {@code N   NAME}. */
  private static int total(String report, String name) {
    Matcher m = Pattern.compile("(?m)^\\s+(\\d+)\\s+" + name + "$").matcher(report);
    assertThat(m.find()).as("a \"" + name + "\" total in the pflogsumm report").isTrue();
    return Integer.parseInt(m.group(1));
  }
}
