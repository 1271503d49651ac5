package org.postern.smtp;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One SMTP or LMTP server reply: the three-digit code and its lines (text after the code and
 * separator). The enhanced status code (RFC 3463) is read from the first line when present.
 */
record ServerReply(int code, List<String> lines) {
  private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

  ServerReply {
    lines = List.copyOf(lines);
  }

  boolean positive() {
    return code / 100 == 2;
  }

  boolean transientFailure() {
    return code / 100 == 4;
  }

  boolean permanentFailure() {
    return code / 100 == 5;
  }

  /** The enhanced status of the reply, when it has one whose class agrees with the code. */
  Optional<String> enhancedStatus() {
    var m = ENHANCED.matcher(lines.isEmpty() ? "" : lines.getFirst());
    if (m.find() && m.group(1).charAt(0) - '0' == code / 100) {
      return Optional.of(m.group(1) + "." + m.group(2) + "." + m.group(3));
    }
    return Optional.empty();
  }

  /** The enhanced status, else {@code class.0.0} from the code, as Postfix derives it. */
  String dsn() {
    return enhancedStatus().orElse(code / 100 + ".0.0");
  }

  /** The reply on one line, as logged: {@code 550 5.1.1 <a@b>: unknown user}. */
  String text() {
    return code + " " + String.join(" ", lines);
  }
}
