package org.postern.table;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The rule list of the pattern tables (cidr:, regexp:, pcre:): {@code pattern result} and
 * {@code !pattern result} lines tried in order, first match wins, and {@code if pattern} /
 * {@code if !pattern} ... {@code endif} blocks that nest. The table type parses its own patterns;
 * this class owns the order and the nesting.
 *
 * <p>Failure: an {@code endif} without {@code if}, a missing {@code endif}, or text after
 * {@code endif} is a {@link TableException} naming the line. Postfix warns and carries on there;
 * a table whose blocks are not what the operator meant is refused instead.
 */
final class PatternRules {
  /** A compiled pattern. */
  interface Condition {
    /** The match groups (group 0 the whole match) when {@code key} matches, else empty. */
    Optional<List<String>> match(String key);
  }

  /** A result text with its substitutions, expanded from the match groups. */
  interface Result {
    String expand(List<String> groups);
  }

  /** One parsed pattern line; {@code result} is null for an {@code if} line. */
  record Parsed(boolean negated, Condition condition, Result result) {}

  /** The table type's pattern syntax. */
  interface LineParser {
    /**
     * Parses {@code text} (the line without a leading {@code if}); {@code ifLine} says that no
     * result may follow the pattern. {@code where} is the prefix for diagnostics.
     */
    Parsed parse(String text, boolean ifLine, String where) throws TableException;
  }

  private sealed interface Node permits Entry, Block {}

  private record Entry(Parsed rule) implements Node {}

  private record Block(Parsed rule, List<Node> body) implements Node {}

  private final List<Node> rules;

  private PatternRules(List<Node> rules) {
    this.rules = rules;
  }

  /** Parses every logical line of {@code source}; {@code kind} ("cidr map") prefixes errors. */
  static PatternRules parse(SourceText source, String kind, LineParser parser)
      throws TableException {
    Deque<List<Node>> open = new ArrayDeque<>();
    Deque<Integer> ifLines = new ArrayDeque<>();
    List<Node> top = new ArrayList<>();
    List<Node> current = top;
    for (SourceText.Line line : source.lines()) {
      String where = kind + " " + source.where(line);
      String text = line.text();
      if (isKeyword(text, "endif")) {
        if (!text.equals("endif")) {
          throw new TableException(where + ": extra text after ENDIF");
        }
        if (open.isEmpty()) {
          throw new TableException(where + ": ENDIF without matching IF");
        }
        current = open.pop();
        ifLines.pop();
      } else if (isKeyword(text, "if")) {
        List<Node> body = new ArrayList<>();
        current.add(new Block(parser.parse(text.substring(2).strip(), true, where), body));
        open.push(current);
        ifLines.push(line.number());
        current = body;
      } else {
        current.add(new Entry(parser.parse(text, false, where)));
      }
    }
    if (!open.isEmpty()) {
      throw new TableException(
          kind + " " + source.name() + ", line " + ifLines.peek() + ": IF has no matching ENDIF");
    }
    return new PatternRules(top);
  }

  /** {@code word} followed by the end of the line or by a character that cannot continue it. */
  private static boolean isKeyword(String text, String word) {
    return text.startsWith(word)
        && (text.length() == word.length()
            || !Character.isLetterOrDigit(text.charAt(word.length())));
  }

  Optional<String> find(String key) {
    return find(rules, key);
  }

  private static Optional<String> find(List<Node> nodes, String key) {
    for (Node node : nodes) {
      switch (node) {
        case Entry(Parsed rule) -> {
          Optional<List<String>> groups = rule.condition().match(key);
          if (groups.isPresent() != rule.negated()) {
            return Optional.of(rule.result().expand(groups.orElse(List.of())));
          }
        }
        case Block(Parsed rule, List<Node> body) -> {
          if (rule.condition().match(key).isPresent() != rule.negated()) {
            Optional<String> inner = find(body, key);
            if (inner.isPresent()) {
              return inner;
            }
          }
        }
      }
    }
    return Optional.empty();
  }
}
