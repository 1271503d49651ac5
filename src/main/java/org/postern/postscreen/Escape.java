package org.postern.postscreen;

/**
 * Postfix's {@code escape()} for log lines: printable ASCII as is (a backslash doubled), the C
 * escapes {@code \a \b \f \n \r \t \v}, and every other byte as three octal digits.
 */
final class Escape {
  private Escape() {}

  static String bytes(byte[] data, int offset, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = offset; i < offset + length; i++) {
      int c = data[i] & 0xff;
      switch (c) {
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 11 -> out.append("\\v");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c >= 32 && c < 127) {
            out.append((char) c);
          } else {
            out.append('\\').append(String.format("%03o", c));
          }
        }
      }
    }
    return out.toString();
  }
}
