package org.postern.smtpd;

import java.util.Optional;

/** RFC 3461 xtext: printable ASCII except {@code +} and {@code =}, and {@code +XX} hex escapes. */
final class Xtext {
  private Xtext() {}

  /** The decoded text, or empty when {@code text} is not valid xtext. */
  static Optional<String> decode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        if (i + 2 >= text.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        out.append((char) (hi * 16 + lo));
        i += 2;
      } else if (c < 33 || c > 126 || c == '=') {
        return Optional.empty();
      } else {
        out.append(c);
      }
    }
    return Optional.of(out.toString());
  }
}
