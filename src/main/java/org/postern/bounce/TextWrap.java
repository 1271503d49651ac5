package org.postern.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks a long line at white space, as Postfix's line_wrap(3) does for bounce reports: lines of
 * at most {@code width} characters where possible, every line after the first indented. A word
 * longer than the width stays whole. Used for the human-readable reasons and, because the
 * indented lines are header continuations, for long delivery-status fields.
 */
final class TextWrap {
  private TextWrap() {}

  static List<String> wrap(String text, int width, int indent) {
    List<String> lines = new ArrayList<>();
    String pad = " ".repeat(indent);
    String rest = text.strip();
    String prefix = "";
    while (prefix.length() + rest.length() > width) {
      int room = width - prefix.length();
      int cut = rest.lastIndexOf(' ', room);
      if (cut <= 0) {
        cut = rest.indexOf(' ', room);
        if (cut < 0) {
          break;
        }
      }
      lines.add(prefix + rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).stripLeading();
      prefix = pad;
    }
    lines.add(prefix + rest);
    return lines;
  }
}
