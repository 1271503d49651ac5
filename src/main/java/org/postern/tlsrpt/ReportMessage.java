package org.postern.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * A report as a mail message (RFC 8460 section 5.3): {@code multipart/report;
 * report-type="tlsrpt"} with a short text part and the gzip'd JSON as {@code
 * application/tlsrpt+gzip}, named {@code submitter!policy-domain!begin!end.json.gz} (UNIX
 * seconds); the subject {@code Report Domain: ... Submitter: ... Report-ID: <...>}, and the
 * {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} header fields.
 *
 * <p>The message carries {@code TLS-Required: No} (RFC 8689): section 5.3 asks that reports be
 * delivered despite TLS failures, which are what they are about. Lines end in LF; the queue
 * file stores lines, and the SMTP client sends CRLF.
 */
final class ReportMessage {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private ReportMessage() {}

  /** The gzip'd JSON of {@code report}, as attached and as POSTed. */
  static byte[] gzip(TlsReport report) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(report.json().getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** The attachment's file name, RFC 8460 section 5.3's {@code filename}. */
  static String fileName(TlsReport report, ReportSettings settings) {
    return settings.submitter() + "!" + report.domain() + "!" + report.start().getEpochSecond()
        + "!" + report.end().getEpochSecond() + ".json.gz";
  }

  /** The message for {@code to}, dated {@code now}. */
  static byte[] build(TlsReport report, ReportSettings settings, String to, Instant now)
      throws IOException {
    String boundary = "=_tlsrpt_" + report.start().getEpochSecond() + "_"
        + Integer.toHexString(report.reportId().hashCode());
    String name = fileName(report, settings);
    StringBuilder m = new StringBuilder();
    m.append("From: <").append(settings.sender()).append(">\n");
    m.append("To: <").append(to).append(">\n");
    m.append("Date: ").append(DATE.format(now)).append('\n');
    m.append("Subject: Report Domain: ").append(report.domain()).append(" Submitter: ")
        .append(settings.submitter()).append(" Report-ID: <").append(report.reportId())
        .append(">\n");
    m.append("Message-ID: <").append(now.getEpochSecond()).append('.').append(report.reportId())
        .append(">\n");
    m.append("TLS-Report-Domain: ").append(report.domain()).append('\n');
    m.append("TLS-Report-Submitter: ").append(settings.submitter()).append('\n');
    m.append("TLS-Required: No\n");
    m.append("Auto-Submitted: auto-generated\n");
    m.append("MIME-Version: 1.0\n");
    m.append("Content-Type: multipart/report; report-type=\"tlsrpt\";\n\tboundary=\"")
        .append(boundary).append("\"\n\n");
    m.append("This is a MIME-formatted message.\n\n");
    m.append("--").append(boundary).append('\n');
    m.append("Content-Type: text/plain; charset=us-ascii\n\n");
    m.append("This is an aggregate TLS report (RFC 8460) from ").append(settings.submitter())
        .append(" for ").append(report.domain()).append(", ").append(report.day())
        .append(" (UTC).\n\n");
    m.append("--").append(boundary).append('\n');
    m.append("Content-Type: application/tlsrpt+gzip; name=\"").append(name).append("\"\n");
    m.append("Content-Disposition: attachment; filename=\"").append(name).append("\"\n");
    m.append("Content-Transfer-Encoding: base64\n\n");
    m.append(Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(gzip(report)))
        .append("\n\n");
    m.append("--").append(boundary).append("--\n");
    return m.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
