package org.postern.util;

import java.util.Arrays;

/**
 * The operators of Postfix's relational expansion {@code ${{a} op {b} ? {x} : {y}}}: {@code ==}
 * {@code !=} {@code <} {@code <=} {@code >} {@code >=} compare numerically when both operands
 * are all digits and as text otherwise (mac_expand's mac_exp_eval), and the {@code level} forms
 * ({@code <level} ...) compare dotted numbers such as the compatibility level {@code 3.11} by
 * major, minor and patch number.
 *
 * <p>Failure: an unknown operator, a number too large to compare, or an operand that is not a
 * level where one is needed, is an {@link IllegalArgumentException}.
 */
enum Relation {
  EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
  EQ_LEVEL("==level"), NE_LEVEL("!=level"), LT_LEVEL("<level"), LE_LEVEL("<=level"),
  GT_LEVEL(">level"), GE_LEVEL(">=level");

  private final String spelling;

  Relation(String spelling) {
    this.spelling = spelling;
  }

  static Relation of(String op) {
    return Spellings.find(values(), r -> r.spelling, op)
        .orElseThrow(() -> new IllegalArgumentException("unknown operator: \"" + op + "\""));
  }

  boolean test(String lhs, String rhs) {
    return switch (this) {
      case EQ, NE, LT, LE, GT, GE -> holds(compare(lhs, rhs));
      case EQ_LEVEL, NE_LEVEL, LT_LEVEL, LE_LEVEL, GT_LEVEL, GE_LEVEL ->
          holds(Arrays.compare(level(lhs), level(rhs)));
    };
  }

  private boolean holds(int cmp) {
    return switch (this) {
      case EQ, EQ_LEVEL -> cmp == 0;
      case NE, NE_LEVEL -> cmp != 0;
      case LT, LT_LEVEL -> cmp < 0;
      case LE, LE_LEVEL -> cmp <= 0;
      case GT, GT_LEVEL -> cmp > 0;
      case GE, GE_LEVEL -> cmp >= 0;
    };
  }

  /** Numbers when both are all digits ({@code 010 == 10}), else text, as Postfix compares. */
  private static int compare(String lhs, String rhs) {
    if (allDigits(lhs) && allDigits(rhs)) {
      return Long.compare(number(lhs), number(rhs));
    }
    return lhs.compareTo(rhs);
  }

  private static boolean allDigits(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static long number(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad conversion: " + text);
    }
  }

  /** {@code major[.minor[.patch]]}; missing parts are zero. */
  static long[] level(String text) {
    String t = text.strip();
    String[] parts = t.split("\\.", -1);
    if (t.isEmpty() || parts.length > 3) {
      throw new IllegalArgumentException("bad compatibility level: \"" + text + "\"");
    }
    long[] level = new long[3];
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty() || !parts[i].chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("bad compatibility level: \"" + text + "\"");
      }
      level[i] = Long.parseLong(parts[i]);
    }
    return level;
  }
}
