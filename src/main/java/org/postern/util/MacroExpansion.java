package org.postern.util;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Postfix's {@code $name} expansion (util/mac_parse.c and util/mac_expand.c): the one engine
 * for main.cf values, local(8)'s forward_path and mailbox_command, pipe(8)'s command line and
 * smtpd's reply footer, each with its own {@link Lookup}: {@code $name}, {@code ${name}}, {@code
 * $(name)}, {@code ${name?value}}, {@code ${name:value}} (each also with {@code {value}}), {@code
 * ${name?{value1}:{value2}}}, the relational form {@code ${{text} op {text} ? {value1} :
 * {value2}}} ({@code == != < <= > >=}, numeric when both sides are all digits, and the {@code
 * level} forms that compatibility-level defaults use), and the function {@code
 * ${domain_to_ascii{text}}}. {@code $$} is a literal dollar sign.
 *
 * <p>{@link Flags} choose what Postfix's {@code MAC_EXP_FLAG_*} do: main.cf values expand the
 * values they refer to in turn ({@link Flags#RECURSE}); the delivery agents and smtpd never do
 * (an address may contain a {@code $}), and replace each character of a substituted value that
 * is not in their filter with an underscore ({@link Flags#filter}, Postfix's {@code
 * *_expansion_filter}), so that a client or recipient cannot smuggle text into a command, path or
 * reply. An undefined name expands to nothing and is remembered, so that the caller can warn or
 * skip.
 *
 * <p>Failure: nesting deeper than {@value #MAX_DEPTH} (a parameter that refers to itself), an
 * unbalanced bracket, a {@code $} without a name, and any malformed expression are an {@link
 * IllegalArgumentException} with Postfix's description, as {@code mac_expand()} reports {@code
 * MAC_PARSE_ERROR}.
 */
public final class MacroExpansion {
  /** Postfix gives up at this nesting depth. */
  static final int MAX_DEPTH = 100;

  private static final String SPACE = " \t\r\n";
  private static final String OPERATOR_CHARS = "<>!=?+-*/~&|%";

  /** The value of a name, or null when it is not defined. */
  @FunctionalInterface
  public interface Lookup {
    String raw(String name);
  }

  /**
   * How looked-up values enter the result: expanded in turn ({@code recurse}), or as they are
   * with each character outside {@code filter} (when not empty) replaced by an underscore.
   */
  public record Flags(boolean recurse, String filter) {
    /** main.cf: values refer to other parameters. */
    public static final Flags RECURSE = new Flags(true, "");
    /** Values are data: substituted once, unchanged. */
    public static final Flags NONE = new Flags(false, "");

    public Flags {
      Objects.requireNonNull(filter, "filter");
    }

    /** Values are data, censored to the characters in {@code allowed} (all when empty). */
    public static Flags filter(String allowed) {
      return new Flags(false, allowed);
    }
  }

  /** The expanded text, with the undefined names it met and any other warnings. */
  public record Result(String value, List<String> undefined, List<String> warnings) {}

  /** Where a {@code $} reference ends and what it says. */
  private record Reference(String expression, int end) {}

  /** A {@code {...}} operand: its text and where the input continues after it. */
  private record Operand(String text, int next) {}

  private final Lookup lookup;
  private final Flags flags;
  private final Set<String> undefined = new LinkedHashSet<>();
  private final List<String> warnings = new ArrayList<>();

  private MacroExpansion(Lookup lookup, Flags flags) {
    this.lookup = lookup;
    this.flags = flags;
  }

  public static Result expand(String text, Lookup lookup, Flags flags) {
    MacroExpansion e = new MacroExpansion(lookup, flags);
    String value = e.parse(text, 0);
    return new Result(value, List.copyOf(e.undefined), List.copyOf(e.warnings));
  }

  /**
   * The references in {@code text} as written, without expanding them (Postfix's mac_parse): the
   * inside of each {@code ${...}} or {@code $(...)} and each bare {@code $name}.
   */
  public static List<String> references(String text) {
    List<String> found = new ArrayList<>();
    split(text, literal -> { }, found::add);
    return found;
  }

  private String parse(String text, int depth) {
    StringBuilder out = new StringBuilder();
    split(text, out::append, expr -> out.append(expression(expr, depth + 1)));
    return out.toString();
  }

  /** What {@link #split} found: the inside of one reference. */
  @FunctionalInterface
  private interface ReferenceAction {
    void found(String expression);
  }

  /**
   * Postfix's mac_parse: {@code text} as literal pieces ({@code $$} already a dollar sign) and
   * references, in order.
   */
  private static void split(String text, Consumer<String> literal, ReferenceAction reference)
      {
    int i = 0;
    while (i < text.length()) {
      int dollar = text.indexOf('$', i);
      if (dollar < 0) {
        literal.accept(text.substring(i));
        return;
      }
      literal.accept(text.substring(i, dollar));
      if (dollar + 1 < text.length() && text.charAt(dollar + 1) == '$') {
        literal.accept("$");
        i = dollar + 2;
      } else {
        Reference r = reference(text, dollar);
        reference.found(r.expression());
        i = r.end();
      }
    }
  }

  /** The reference whose {@code $} is at {@code dollar}. */
  private static Reference reference(String text, int dollar) {
    int start = dollar + 1;
    if (start < text.length() && (text.charAt(start) == '{' || text.charAt(start) == '(')) {
      int close = matching(text, start);
      String inner = text.substring(start + 1, close);
      if (inner.isEmpty()) {
        throw new IllegalArgumentException("empty macro name: \"" + abbreviate(text) + "\"");
      }
      return new Reference(inner, close + 1);
    }
    int end = nameEnd(text, start);
    if (end == start) {
      throw new IllegalArgumentException("empty macro name: \"" + abbreviate(text) + "\"");
    }
    return new Reference(text.substring(start, end), end);
  }

  /** The inside of one reference: a name, a conditional, a function call or a relation. */
  private String expression(String expr, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("recursion: unreasonable macro call nesting (limit "
          + MAX_DEPTH + "): \"" + abbreviate(expr) + "\"");
    }
    int p = skipSpace(expr, 0);
    if (p < expr.length() && expr.charAt(p) == '{') {
      return relational(expr, p, depth);
    }
    int start = p;
    while (true) {
      int q = skipSpace(expr, p);
      if (q == expr.length()) {
        String name = expr.substring(start, p);
        return use(name, lookup.raw(name), depth);
      }
      char ch = expr.charAt(q);
      if (ch == '?' || ch == ':') {
        return conditional(expr, q, lookup.raw(expr.substring(start, p)), depth);
      }
      if (ch == '{') {
        return function(expr.substring(start, p), expr, q, depth);
      }
      if (!isNameChar(expr.charAt(p))) {
        throw new IllegalArgumentException("attribute name syntax error at: \"..."
            + expr.substring(0, p) + ">>>" + abbreviate(expr.substring(p)) + "\"");
      }
      p++;
    }
  }

  /**
   * {@code {lhs} op {rhs}} at {@code p}, alone (its value is {@code true} or empty) or followed by
   * {@code ?} or {@code :} as a name is.
   */
  private String relational(String expr, int p, int depth) {
    Operand lhs = operand(expr, p, false);
    int opEnd = lhs.next();
    while (opEnd < expr.length() && OPERATOR_CHARS.indexOf(expr.charAt(opEnd)) >= 0) {
      opEnd++;
    }
    while (opEnd < expr.length() && isNameChar(expr.charAt(opEnd)) && expr.charAt(opEnd) != '_') {
      opEnd++;
    }
    String op = expr.substring(lhs.next(), opEnd);
    Relation relation = Relation.of(op);
    int q = skipSpace(expr, opEnd);
    if (q == expr.length() || expr.charAt(q) != '{') {
      throw new IllegalArgumentException("\"{expression}\" expected at: \"...{" + lhs.text() + "} "
          + op + ">>>" + abbreviate(expr.substring(q)) + "\"");
    }
    Operand rhs = operand(expr, q, false);
    String value = relation.test(parse(lhs.text(), depth), parse(rhs.text(), depth)) ? "true" : "";
    int next = rhs.next();
    if (next == expr.length()) {
      return use(op, value, depth);
    }
    if (expr.charAt(next) != '?' && expr.charAt(next) != ':') {
      throw new IllegalArgumentException("\"?\" or \":\" expected at: \"..." + rhs.text() + "}>>>"
          + abbreviate(expr.substring(next)) + "\"");
    }
    return conditional(expr, next, value, depth);
  }

  /** The value of a name used without condition. */
  private String use(String name, String value, int depth) {
    if (value == null) {
      undefined.add(name);
      return "";
    }
    if (flags.recurse()) {
      return parse(value, depth);
    }
    return censored(value);
  }

  /**
   * {@code ?text}, {@code ?{text}}, {@code ?{text1}:{text2}}, {@code :text}, {@code :{text}} at
   * {@code p}: the text for a non-empty value after {@code ?}, for an empty or undefined one after
   * {@code :}. Text without braces runs to the end, as in Postfix 2.x.
   */
  private String conditional(String expr, int p, String value, int depth)
      {
    boolean nonEmpty = value != null && !value.isEmpty();
    String result = "";
    if (expr.charAt(p) == '?') {
      Operand ifTrue = branch(expr, p + 1);
      if (nonEmpty) {
        result = parse(ifTrue.text(), depth);
      }
      p = ifTrue.next();
      if (p == expr.length()) {
        return result;
      }
      if (expr.charAt(p) != ':') {
        throw new IllegalArgumentException("\":\" expected at: \"..." + ifTrue.text() + "}>>>"
            + abbreviate(expr.substring(p)) + "\"");
      }
    }
    Operand ifFalse = branch(expr, p + 1);
    if (!nonEmpty) {
      result = parse(ifFalse.text(), depth);
    }
    if (ifFalse.next() != expr.length()) {
      throw new IllegalArgumentException("unexpected input at: \"..." + ifFalse.text() + "}>>>"
          + abbreviate(expr.substring(ifFalse.next())) + "\"");
    }
    return result;
  }

  private static Operand branch(String expr, int p) {
    int q = skipSpace(expr, p);
    if (q < expr.length() && expr.charAt(q) == '{') {
      return operand(expr, q, false);
    }
    return new Operand(expr.substring(p), expr.length());
  }

  /** {@code name{text}} with the {@code {} at {@code brace}. */
  private String function(String name, String expr, int brace, int depth)
      {
    Operand arg = operand(expr, brace, true);
    if (arg.next() != expr.length()) {
      throw new IllegalArgumentException("unexpected input at: \"..." + arg.text() + "}>>>"
          + abbreviate(expr.substring(arg.next())) + "\"");
    }
    if (!name.equals("domain_to_ascii")) {
      throw new IllegalArgumentException("unknown function \"" + name + "\" at \"...>>>" + name
          + "{" + arg.text() + "}\"");
    }
    String text = parse(arg.text(), depth);
    return Idna.toAscii(text).orElseGet(() -> {
      warnings.add("domain_to_ascii: malformed domain name: \"" + text + "\"");
      return text;
    });
  }

  /**
   * The {@code {...}} whose opening brace is at {@code open}, balanced, optionally without the
   * whitespace inside; the input continues after the whitespace that follows it.
   */
  private static Operand operand(String expr, int open, boolean strip) {
    int level = 0;
    for (int i = open; i < expr.length(); i++) {
      char ch = expr.charAt(i);
      if (ch == '{') {
        level++;
      } else if (ch == '}' && --level == 0) {
        String text = expr.substring(open + 1, i);
        return new Operand(strip ? text.strip() : text, skipSpace(expr, i + 1));
      }
    }
    throw new IllegalArgumentException("unbalanced {} in attribute expression: \""
        + abbreviate(expr.substring(open)) + "\"");
  }

  private String censored(String value) {
    String allowed = flags.filter();
    if (allowed.isEmpty()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      out.append(allowed.indexOf(c) >= 0 ? c : '_');
    }
    return out.toString();
  }

  /** Index of the bracket closing the one at {@code open} ({@code {} or {@code (}). */
  private static int matching(String text, int open) {
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
    throw new IllegalArgumentException("missing '" + c + "' in \"" + abbreviate(text) + "\"");
  }

  private static int skipSpace(String text, int from) {
    int i = from;
    while (i < text.length() && SPACE.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static int nameEnd(String text, int start) {
    int end = start;
    while (end < text.length() && isNameChar(text.charAt(end))) {
      end++;
    }
    return end;
  }

  /** Postfix's {@code [a-zA-Z0-9_]}. */
  private static boolean isNameChar(char c) {
    return c < 0x80 && (Character.isLetterOrDigit(c) || c == '_');
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /**
   * Expands {@code template} without recursion, each value censored to {@code filter} (all
   * characters when empty); {@code lookup} answers a macro name with its value or null.
   */
  public static String expand(String template, Function<String, String> lookup, String filter) {
    return expand(template, lookup::apply, Flags.filter(filter)).value();
  }

  /** C escapes as Postfix's {@code unescape()}: \a \b \f \n \r \t \v \\ and \ddd octal. */
  public static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000b');
        default -> {
          int end = i;
          while (end < s.length() && end < i + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
            end++;
          }
          if (end > i) {
            out.append((char) Integer.parseInt(s.substring(i, end), 8));
            i = end - 1;
          } else {
            out.append(n);
          }
        }
      }
    }
    return out.toString();
  }
}
