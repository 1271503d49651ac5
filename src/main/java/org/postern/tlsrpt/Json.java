package org.postern.tlsrpt;

import java.util.List;
import java.util.Map;

/**
 * Writes the few JSON shapes a report needs (RFC 8259): objects as insertion-ordered maps with
 * string keys, arrays as lists, strings, and integral numbers; two-space indentation. The TLSRPT
 * report and {@code requiretls-report --json} are written with it.
 */
public final class Json {
  private Json() {}

  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object value, int depth) {
    switch (value) {
      case String s -> quote(sb, s);
      case Long n -> sb.append(n);
      case Integer n -> sb.append(n);
      case Map<?, ?> m -> container(sb, '{', '}', depth, m.entrySet().stream().toList(),
          (e, d) -> {
            quote(sb, (String) e.getKey());
            sb.append(": ");
            write(sb, e.getValue(), d);
          });
      case List<?> l -> container(sb, '[', ']', depth, l, (item, d) -> write(sb, item, d));
      default -> throw new IllegalArgumentException("no JSON form for " + value.getClass());
    }
  }

  private interface Item<T> {
    void write(T item, int depth);
  }

  private static <T> void container(
      StringBuilder sb, char open, char close, int depth, List<T> items, Item<T> each) {
    sb.append(open);
    if (items.isEmpty()) {
      sb.append(close);
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "\n" : ",\n").append("  ".repeat(depth + 1));
      each.write(items.get(i), depth + 1);
    }
    sb.append('\n').append("  ".repeat(depth)).append(close);
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
