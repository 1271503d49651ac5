package org.postern.queue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** What an envelope text value may hold: UTF-8 without NUL, CR or LF, of bounded length. */
final class TextCheck {
  static final int MAX_TEXT = 1 << 16;

  private TextCheck() {}

  static boolean isStorable(String value) {
    if (value.length() > MAX_TEXT) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\r' || c == '\n') {
        return false;
      }
    }
    return true;
  }

  /** Decodes strict UTF-8 and applies {@link #isStorable}; null when either fails. */
  static String decode(byte[] data) {
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(data))
              .toString();
      return isStorable(s) ? s : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
