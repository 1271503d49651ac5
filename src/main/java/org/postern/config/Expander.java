package org.postern.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.postern.util.Idna;

/**
 * Postfix's {@code $name} expansion of parameter values: {@code $name}, {@code ${name}},
 * {@code $(name)}, {@code ${name?value}}, {@code ${name:value}} (each also with {@code {value}}),
 * {@code ${name?{value1}:{value2}}}, the relational form
 * {@code ${{text} op {text} ? {value1} : {value2}}} that Postfix's compatibility-level defaults use,
 * and the function {@code ${domain_to_ascii{text}}}. {@code $$} is a literal dollar sign.
 *
 * <p>Values of referenced parameters are expanded in turn; an undefined name expands to nothing
 * and is remembered so the caller can warn.
 *
 * <p>Failure: nesting deeper than {@value #MAX_DEPTH} (a parameter that refers to itself),
 * unbalanced brackets, or a malformed expression throw {@link ExpansionException}.
 */
final class Expander {
  /** Postfix gives up at this nesting depth. */
  static final int MAX_DEPTH = 100;

  /** The raw (unexpanded) value of a parameter, or null when it is not defined. */
  @FunctionalInterface
  interface Lookup {
    String raw(String name);
  }

  /** The expanded text, with the undefined names it met and any other warnings. */
  record Result(String value, List<String> undefined, List<String> warnings) {}

  private final Lookup lookup;
  private final Set<String> undefined = new LinkedHashSet<>();
  private final List<String> warnings = new ArrayList<>();

  private Expander(Lookup lookup) {
    this.lookup = lookup;
  }

  static Result expand(String text, Lookup lookup) throws ExpansionException {
    Expander e = new Expander(lookup);
    String value = e.expand(text, 0);
    return new Result(value, List.copyOf(e.undefined), List.copyOf(e.warnings));
  }

  private String expand(String text, int depth) throws ExpansionException {
    if (depth > MAX_DEPTH) {
      throw new ExpansionException("recursion: unreasonable macro call nesting (limit "
          + MAX_DEPTH + "): \"" + abbreviate(text) + "\"");
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 == text.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = text.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '{' || next == '(') {
        int end = matching(text, i + 1);
        out.append(bracket(text.substring(i + 2, end), depth));
        i = end + 1;
      } else if (MainCf.isNameChar(next)) {
        int end = nameEnd(text, i + 1);
        out.append(reference(text.substring(i + 1, end), depth));
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String reference(String name, int depth) throws ExpansionException {
    String raw = lookup.raw(name);
    if (raw == null) {
      undefined.add(name);
      return "";
    }
    return expand(raw, depth + 1);
  }

  /** The inside of {@code ${...}} or {@code $(...)}. */
  private String bracket(String inner, int depth) throws ExpansionException {
    if (inner.startsWith("{")) {
      return relational(inner, depth);
    }
    int end = nameEnd(inner, 0);
    if (end == 0) {
      throw new ExpansionException("bad parameter name syntax: \"${" + abbreviate(inner) + "}\"");
    }
    String name = inner.substring(0, end);
    String rest = inner.substring(end);
    if (rest.isEmpty()) {
      return reference(name, depth);
    }
    return switch (rest.charAt(0)) {
      case '?' -> conditional(name, rest.substring(1), true, depth);
      case ':' -> conditional(name, rest.substring(1), false, depth);
      case '{' -> function(name, rest, depth);
      default -> throw new ExpansionException(
          "unexpected '" + rest.charAt(0) + "' after parameter name in \"${" + abbreviate(inner) + "}\"");
    };
  }

  /** {@code ?value}, {@code ?{value}}, {@code ?{v1}:{v2}}, {@code :value}, {@code :{value}}. */
  private String conditional(String name, String body, boolean ifNonEmpty, int depth)
      throws ExpansionException {
    String raw = lookup.raw(name);
    boolean nonEmpty = raw != null && !raw.isEmpty();
    String value = body;
    String otherwise = "";
    String t = body.strip();
    if (t.startsWith("{")) {
      int close = matchingBrace(t, 0);
      value = t.substring(1, close);
      String after = t.substring(close + 1).strip();
      if (!after.isEmpty()) {
        if (!ifNonEmpty || after.charAt(0) != ':') {
          throw new ExpansionException("unexpected text after '{...}': \"" + abbreviate(after) + "\"");
        }
        otherwise = unbrace(after.substring(1));
      }
    }
    if (ifNonEmpty) {
      return expand(nonEmpty ? value : otherwise, depth + 1);
    }
    return nonEmpty ? "" : expand(value, depth + 1);
  }

  private String function(String name, String rest, int depth) throws ExpansionException {
    int close = matchingBrace(rest, 0);
    if (close != rest.length() - 1) {
      throw new ExpansionException("unexpected text after " + name + "{...}");
    }
    if (!name.equals("domain_to_ascii")) {
      throw new ExpansionException("unknown function: " + name);
    }
    String text = expand(rest.substring(1, close), depth + 1);
    return Idna.toAscii(text).orElseGet(() -> {
      warnings.add("domain_to_ascii: malformed domain name: \"" + text + "\"");
      return text;
    });
  }

  /** {@code {lhs} op {rhs} ? {value1} [: {value2}]}. */
  private String relational(String inner, int depth) throws ExpansionException {
    int lhsEnd = matchingBrace(inner, 0);
    String lhs = expand(inner.substring(1, lhsEnd), depth + 1);
    String rest = inner.substring(lhsEnd + 1).strip();
    int opEnd = 0;
    while (opEnd < rest.length() && !Character.isWhitespace(rest.charAt(opEnd))
        && rest.charAt(opEnd) != '{') {
      opEnd++;
    }
    String op = rest.substring(0, opEnd);
    rest = rest.substring(opEnd).strip();
    if (!rest.startsWith("{")) {
      throw new ExpansionException("missing '{' after operator in \"${" + abbreviate(inner) + "}\"");
    }
    int rhsEnd = matchingBrace(rest, 0);
    String rhs = expand(rest.substring(1, rhsEnd), depth + 1);
    rest = rest.substring(rhsEnd + 1).strip();
    if (!rest.startsWith("?")) {
      throw new ExpansionException("missing '?' in \"${" + abbreviate(inner) + "}\"");
    }
    rest = rest.substring(1).strip();
    if (!rest.startsWith("{")) {
      throw new ExpansionException("missing '{' after '?' in \"${" + abbreviate(inner) + "}\"");
    }
    int thenEnd = matchingBrace(rest, 0);
    String then = rest.substring(1, thenEnd);
    String after = rest.substring(thenEnd + 1).strip();
    String otherwise = "";
    if (!after.isEmpty()) {
      if (after.charAt(0) != ':') {
        throw new ExpansionException("unexpected text in \"${" + abbreviate(inner) + "}\"");
      }
      otherwise = unbrace(after.substring(1));
    }
    return expand(Relation.of(op).test(lhs, rhs) ? then : otherwise, depth + 1);
  }

  private static String unbrace(String text) throws ExpansionException {
    String t = text.strip();
    if (!t.startsWith("{")) {
      return t;
    }
    int close = matchingBrace(t, 0);
    if (close != t.length() - 1) {
      throw new ExpansionException("unexpected text after '{...}': \"" + abbreviate(t) + "\"");
    }
    return t.substring(1, close);
  }

  /** Index of the bracket closing the one at {@code open} ({@code {} or {@code (}). */
  private static int matching(String text, int open) throws ExpansionException {
    char o = text.charAt(open);
    char c = o == '{' ? '}' : ')';
    int level = 0;
    for (int i = open; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == o) {
        level++;
      } else if (ch == c && --level == 0) {
        return i;
      }
    }
    throw new ExpansionException("missing '" + c + "' in \"" + abbreviate(text) + "\"");
  }

  private static int matchingBrace(String text, int open) throws ExpansionException {
    return matching(text, open);
  }

  private static int nameEnd(String text, int start) {
    int end = start;
    while (end < text.length() && MainCf.isNameChar(text.charAt(end))) {
      end++;
    }
    return end;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
