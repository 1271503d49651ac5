package org.postern.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.bounce.BounceFixture.bounced;
import static org.postern.bounce.BounceFixture.envelope;
import static org.postern.bounce.BounceFixture.plain;
import static org.postern.bounce.BounceFixture.rcpt;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.RecipientLog;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.QueueFile;
import org.postern.queue.Recipient;

/**
 * Feeds generated reports to Debian's Python {@code email} package, an independent MIME parser,
 * and checks what it sees: the multipart/report structure, the delivery-status fields, and how
 * much of the original came back.
 */
class BounceReportIT {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = """
      import sys, email, email.parser
      from email import policy
      # RFC 6532 allows UTF-8 in headers: parse text, not bytes, so that Python keeps it.
      raw = sys.stdin.buffer.read().decode("utf-8")
      msg = email.message_from_string(raw, policy=policy.SMTPUTF8)
      print("type", msg.get_content_type())
      print("report-type", msg.get_param("report-type"))
      print("to", msg["To"])
      print("tls-required", msg["TLS-Required"])
      print("defects", len(msg.defects) + sum(len(p.defects) for p in msg.walk()))
      def blocks(part):
          if part.get_content_type() == "message/delivery-status":
              return [list(b.items()) for b in part.get_payload()]
          inner = part.get_payload(0)
          out = [list(inner.items())]
          for chunk in inner.get_payload().strip().split("\\n\\n"):
              out.append(list(email.parser.HeaderParser(policy=policy.default).parsestr(chunk).items()))
          return out
      for part in msg.iter_parts():
          ctype = part.get_content_type()
          print("part", ctype)
          if ctype.endswith("delivery-status"):
              for i, block in enumerate(blocks(part)):
                  for name, value in block:
                      print("field", i, name + ":", " ".join(str(value).split()))
          elif ctype in ("message/rfc822", "message/global"):
              inner = part.get_payload(0)
              print("original-subject", inner["Subject"])
              print("original-body", "yes" if "The body text" in inner.get_content() else "no")
          elif ctype != "text/plain":
              text = part.get_payload()
              print("original-subject", "present" if "Subject: quarterly" in text else "absent")
              print("original-body", "yes" if "The body text" in text else "no")
      """;

  @TempDir Path dir;
  private BounceFixture f;
  private RecipientLog bounceLog;

  @BeforeEach
  void setUp() throws IOException {
    f = new BounceFixture(dir);
    bounceLog = RecipientLog.bounce(f.queues);
  }

  private List<String> parsedBounce(QueueFile message, RecipientLog.Entry... entries)
      throws IOException, InterruptedException {
    f.log(bounceLog, message, entries);
    f.service().bounce(message);
    return python(f.submitter.only().content());
  }

  private static List<String> python(byte[] message) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(PYTHON, "-c", SCRIPT).redirectErrorStream(true);
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(message);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }

  @Test
  void bounce_retFull_pythonSeesReportWithStatusAndWholeOriginal() throws Exception {
    Recipient r = rcpt("nobody@example.net");
    List<String> seen = parsedBounce(
        f.original(envelope("sender@example.org", Optional.of(DsnRet.FULL), false, false, r)),
        bounced(r));

    assertThat(seen).contains("type multipart/report", "report-type delivery-status",
        "defects 0", "part text/plain", "part message/delivery-status", "part message/rfc822",
        "field 0 Reporting-MTA: dns; mx.example.com",
        "field 1 Final-Recipient: rfc822; nobody@example.net",
        "field 1 Action: failed", "field 1 Status: 5.1.1",
        "field 1 Diagnostic-Code: smtp; 550 5.1.1 No such user",
        "original-subject quarterly figures", "original-body yes");
  }

  @Test
  void bounce_retHdrs_pythonSeesHeadersOnly() throws Exception {
    Recipient r = rcpt("nobody@example.net");
    List<String> seen = parsedBounce(
        f.original(envelope("sender@example.org", Optional.of(DsnRet.HDRS), false, false, r)),
        bounced(r));

    assertThat(seen).contains("part text/rfc822-headers", "original-subject present",
        "original-body no", "defects 0");
  }

  @Test
  void bounce_notifyFilter_pythonSeesOnlyFailureRecipients() throws Exception {
    Recipient never = rcpt("never@example.net", DsnNotify.NEVER);
    Recipient delay = rcpt("delay@example.net", DsnNotify.DELAY);
    Recipient failure = rcpt("failure@example.net", DsnNotify.FAILURE, DsnNotify.DELAY);
    List<String> seen = parsedBounce(f.original(plain("sender@example.org", never, delay, failure)),
        bounced(never), bounced(delay), bounced(failure));

    assertThat(seen.stream().filter(l -> l.contains("Final-Recipient:")))
        .containsExactly("field 1 Final-Recipient: rfc822; failure@example.net");
  }

  @Test
  void bounce_requireTlsOriginal_pythonSeesRedactedReportNotMarked() throws Exception {
    Recipient r = rcpt("nobody@example.net");
    List<String> seen = parsedBounce(
        f.original(envelope("sender@example.org", Optional.of(DsnRet.FULL), true, false, r)),
        bounced(r));

    assertThat(seen).contains("part text/rfc822-headers", "original-subject present",
        "original-body no");
    assertThat(f.submitter.only().envelope().requireTls()).isFalse();
  }

  @Test
  void bounce_tlsRequiredNoOriginal_pythonSeesHeaderCopied() throws Exception {
    Recipient r = rcpt("nobody@example.net");
    List<String> seen = parsedBounce(
        f.original(plain("sender@example.org", r), BounceFixture.CONTENT, true), bounced(r));

    assertThat(seen).contains("tls-required No");
  }

  @Test
  void bounce_doubleBounce_pythonSeesReportToPostmaster() throws Exception {
    f.config.put("notify_classes", "2bounce");
    Recipient r = rcpt("nobody@example.net");
    List<String> seen = parsedBounce(f.original(plain("", r)), bounced(r));

    assertThat(seen).contains("to postmaster", "type multipart/report", "field 1 Status: 5.1.1");
    assertThat(f.submitter.only().envelope().sender()).isEqualTo("double-bounce@mx.example.com");
  }

  @Test
  void bounce_smtputf8Original_pythonSeesRfc6533Types() throws Exception {
    Recipient r = rcpt("δοκιμή@παράδειγμα.ελ");
    List<String> seen = parsedBounce(
        f.original(envelope("sender@example.org", Optional.of(DsnRet.FULL), false, true, r)),
        bounced(r));

    assertThat(seen).contains("part message/global-delivery-status", "part message/global",
        "field 1 Final-Recipient: utf-8; δοκιμή@παράδειγμα.ελ", "field 1 Action: failed",
        "original-body yes");
  }
}
