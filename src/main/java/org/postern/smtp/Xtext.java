package org.postern.smtp;

import java.nio.charset.StandardCharsets;

/** RFC 3461 section 4 xtext: {@code +}, {@code =}, controls and non-ASCII as {@code +HH}. */
final class Xtext {
  private Xtext() {}

  static String encode(String text) {
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
}
