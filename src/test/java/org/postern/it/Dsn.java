package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A delivery status notification as Debian's python3 {@code email} package reads it: the
 * top-level type and report-type, every MIME part's type, the message/delivery-status fields
 * (per-message and per-recipient blocks flattened, names lower-cased), the parser's defects and
 * the text of any returned header or message part.
 */
record Dsn(Map<String, List<String>> fields) {
  private static final String PARSER =
      """
      import email, sys
      from email import policy
      with open(sys.argv[1], "rb") as f:
          msg = email.message_from_binary_file(f, policy=policy.compat32)
      def out(key, value):
          print(key + "=" + str(value).replace("\\\\", "\\\\\\\\").replace("\\n", "\\\\n"))
      out("content-type", msg.get_content_type())
      out("report-type", msg.get_param("report-type"))
      for h in ("From", "To", "Subject", "Auto-Submitted"):
          out("header." + h.lower(), msg.get(h))
      for part in msg.walk():
          out("part", part.get_content_type())
          for d in part.defects:
              out("defect", type(d).__name__)
          ctype = part.get_content_type()
          if ctype == "message/delivery-status":
              for block in part.get_payload():
                  for k, v in block.items():
                      out("ds." + k.lower(), v)
          elif ctype == "text/rfc822-headers":
              out("returned.headers", part.get_payload(decode=True).decode("utf-8", "replace"))
          elif ctype == "message/rfc822":
              out("returned.message", part.get_payload()[0].as_string())
      """;

  /** Parses {@code file} with /usr/bin/python3; fails the test if python3 does. */
  static Dsn parse(Path file) throws IOException, InterruptedException {
    Path script = Files.createTempFile("dsn", ".py");
    try {
      Files.writeString(script, PARSER, StandardCharsets.UTF_8);
      PosternInstance.Result r =
          Commands.ok(List.of("/usr/bin/python3", script.toString(), file.toString()), null, Duration.ofSeconds(60));
      Map<String, List<String>> fields = new LinkedHashMap<>();
      for (String line : r.out().lines().toList()) {
        int eq = line.indexOf('=');
        fields.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(unescape(line.substring(eq + 1)));
      }
      return new Dsn(fields);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 'n' ? '\n' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Every value of {@code key}; empty when absent. */
  List<String> all(String key) {
    return fields.getOrDefault(key, List.of());
  }

  /** The single value of {@code key}; fails the test when it is absent or repeated. */
  String one(String key) {
    assertThat(all(key)).as(key + " in " + fields).hasSize(1);
    return all(key).get(0);
  }

  /** Asserts a multipart/report of report-type delivery-status with one recipient. */
  Dsn assertReport(String action, String status, String finalRecipient) {
    assertThat(one("content-type")).as("DSN type").isEqualTo("multipart/report");
    assertThat(one("report-type")).isEqualTo("delivery-status");
    assertThat(all("part")).contains("message/delivery-status");
    assertThat(all("defect")).as("MIME defects python's email parser found").isEmpty();
    assertThat(one("ds.action")).isEqualTo(action);
    assertThat(one("ds.status")).isEqualTo(status);
    assertThat(one("ds.final-recipient")).isEqualToIgnoringCase("rfc822; " + finalRecipient);
    return this;
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
