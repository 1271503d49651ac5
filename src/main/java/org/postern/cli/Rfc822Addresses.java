package org.postern.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the addresses in RFC 5322 address-list text, as Postfix's sendmail does with a
 * command-line recipient, a {@code -f} sender or a To/Cc/Bcc header under {@code -t}: display
 * names, comments and group names are dropped, a route ({@code <@a,@b:user@c>}) is reduced to
 * its mailbox, and each address comes back in Postfix's internal form (quoted strings unquoted,
 * {@code <>} as the empty string). The text is not validated: what is not an address is skipped,
 * and what the sender meant is left for cleanup to qualify or reject.
 */
final class Rfc822Addresses {
  private enum Kind {
    ATOM,
    QUOTED,
    SPECIAL
  }

  private record Token(Kind kind, String text) {
    boolean is(char c) {
      return kind == Kind.SPECIAL && text.charAt(0) == c;
    }
  }

  private Rfc822Addresses() {}

  /** The addresses in {@code text}, in order. */
  static List<String> parse(String text) {
    List<String> addresses = new ArrayList<>();
    List<Token> segment = new ArrayList<>();
    int angle = 0;
    for (Token t : tokenize(text)) {
      if (t.is('<')) {
        angle++;
      } else if (t.is('>') && angle > 0) {
        angle--;
      } else if (angle == 0 && (t.is(',') || t.is(';'))) {
        address(segment).ifPresent(addresses::add);
        segment.clear();
        continue;
      } else if (angle == 0 && t.is(':')) {
        segment.clear(); // a group's display name
        continue;
      }
      segment.add(t);
    }
    address(segment).ifPresent(addresses::add);
    return addresses;
  }

  /** The address of one list element: the part in angle brackets, else all of it. */
  private static Optional<String> address(List<Token> segment) {
    int open = -1;
    for (int i = 0; i < segment.size(); i++) {
      if (segment.get(i).is('<')) {
        open = i;
        break;
      }
    }
    List<Token> addr = segment;
    if (open >= 0) {
      int close = segment.size();
      for (int i = open + 1; i < segment.size(); i++) {
        if (segment.get(i).is('>')) {
          close = i;
          break;
        }
      }
      addr = dropRoute(segment.subList(open + 1, close));
      return Optional.of(join(addr));
    }
    return addr.isEmpty() ? Optional.empty() : Optional.of(join(addr));
  }

  private static List<Token> dropRoute(List<Token> inside) {
    for (int i = inside.size() - 1; i >= 0; i--) {
      if (inside.get(i).is(':')) {
        return inside.subList(i + 1, inside.size());
      }
    }
    return inside;
  }

  private static String join(List<Token> tokens) {
    StringBuilder sb = new StringBuilder();
    for (Token t : tokens) {
      if (!t.is('<') && !t.is('>')) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }

  private static List<Token> tokenize(String s) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(') {
        i = skipComment(s, i);
      } else if (c == '"') {
        StringBuilder q = new StringBuilder();
        i = quoted(s, i + 1, '"', q);
        tokens.add(new Token(Kind.QUOTED, q.toString()));
      } else if (c == '[') {
        StringBuilder q = new StringBuilder("[");
        i = quoted(s, i + 1, ']', q);
        tokens.add(new Token(Kind.ATOM, q.append(']').toString()));
      } else if ("<>,;:@.".indexOf(c) >= 0) {
        tokens.add(new Token(Kind.SPECIAL, String.valueOf(c)));
        i++;
      } else {
        int start = i;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))
            && "()\"[<>,;:@.".indexOf(s.charAt(i)) < 0) {
          i++;
        }
        tokens.add(new Token(Kind.ATOM, s.substring(start, i)));
      }
    }
    return tokens;
  }

  /** Skips a (possibly nested) comment starting at {@code i}; returns the index after it. */
  private static int skipComment(String s, int i) {
    int depth = 0;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '\\') {
        i++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        break;
      }
    }
    return i;
  }

  /** Copies quoted text up to {@code end} into {@code out}, unescaping; returns the next index. */
  private static int quoted(String s, int i, char end, StringBuilder out) {
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '\\' && i < s.length()) {
        out.append(s.charAt(i++));
      } else if (c == end) {
        break;
      } else {
        out.append(c);
      }
    }
    return i;
  }
}
