package org.postern.table;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The terminating NUL that Postfix stores after keys and values in some database types (lmdb:
 * by default, cdb: with {@code postmap -N}).
 */
final class Nul {
  private Nul() {}

  /** The text of {@code bytes} without one trailing NUL. */
  static String strip(byte[] bytes) {
    int n = bytes.length > 0 && bytes[bytes.length - 1] == 0 ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /** The UTF-8 bytes of {@code text}, with a terminating NUL when {@code terminated}. */
  static byte[] bytes(String text, boolean terminated) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return terminated ? Arrays.copyOf(b, b.length + 1) : b;
  }
}
