package org.postern.milter;

/**
 * Checks on header names and values that milters send, so no edit can break the message.
 *
 * <p>Failure: a bad name or value is IllegalArgumentException, which the reader turns into the
 * milter's configuration-error verdict.
 */
final class Headers {
  private Headers() {}

  static void check(String name, String value) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty header name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || c == ':') {
        throw new IllegalArgumentException("bad header name: " + name);
      }
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in header value of " + name);
    }
    // A continuation line must be folded white space: anything else would start a new header or,
    // as an empty line, end the header section and smuggle text into the body.
    String[] lines = value.replace("\r\n", "\n").split("\n", -1);
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty() || (lines[i].charAt(0) != ' ' && lines[i].charAt(0) != '\t')) {
        throw new IllegalArgumentException("unfolded line in header value of " + name);
      }
    }
    if (value.indexOf('\r') >= 0 && value.replace("\r\n", "").indexOf('\r') >= 0) {
      throw new IllegalArgumentException("bare CR in header value of " + name);
    }
  }
}
