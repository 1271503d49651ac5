package org.postern.esmtp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * RFC 3461 section 4 xtext: printable ASCII except {@code +} and {@code =}, everything else as
 * {@code +HH}. Decoding takes either case of hex digit, as Postfix's smtpd does.
 */
public final class Xtext {
  private Xtext() {}

  /** {@code text} as xtext, its UTF-8 bytes escaped where xtext requires. */
  public static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 33 && c <= 126 && c != '+' && c != '=') {
        out.append((char) c);
      } else {
        out.append('+').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** The decoded text, or empty when {@code text} is not valid xtext. */
  public static Optional<String> decode(String text) {
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
