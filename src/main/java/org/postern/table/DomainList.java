package org.postern.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postern.util.ParameterList;

/**
 * A Postfix domain list ({@code mydestination}, {@code virtual_alias_domains}, {@code
 * virtual_mailbox_domains}, {@code relay_domains}): names, {@code type:table} lookups and {@code
 * /file/name} items holding more of them, each optionally negated with {@code !}; the first
 * item that matches decides.
 *
 * <p>How a name matches its subdomains depends on the list, as in Postfix: {@link Style#EXACT}
 * for string lists (only the name itself), {@link Style#DOT_PARENT} for domain lists, where
 * {@code .example.com} matches subdomains, and {@link Style#PARENT} for a domain list named in
 * {@code parent_domain_matches_subdomains}, where {@code example.com} also matches them.
 * Subdomain lookups go to fixed-string tables only, never to pattern tables.
 *
 * <p>Failure: an unreadable {@code /file} is a {@link TableException} naming the parameter; a
 * table that cannot answer is a {@link TableException} at match time.
 */
public final class DomainList {
  /** How list items match subdomains. */
  public enum Style {
    EXACT,
    DOT_PARENT,
    PARENT
  }

  private sealed interface Item permits Name, Table {
    boolean negated();
  }

  private record Name(String name, boolean negated) implements Item {}

  private record Table(LookupTable table, boolean negated) implements Item {}

  private final String parameter;
  private final Style style;
  private final List<Item> items;

  private DomainList(String parameter, Style style, List<Item> items) {
    this.parameter = parameter;
    this.style = style;
    this.items = List.copyOf(items);
  }

  /** Parses {@code value}, the expanded value of {@code parameter}, opening its tables. */
  public static DomainList parse(String parameter, String value, Style style, TableOpener opener)
      throws TableException {
    List<Item> items = new ArrayList<>();
    addItems(parameter, value, opener, items);
    return new DomainList(parameter, style, items);
  }

  private static void addItems(String parameter, String value, TableOpener opener, List<Item> items)
      throws TableException {
    List<String> words;
    try {
      words = ParameterList.split(value);
    } catch (IllegalArgumentException e) {
      throw new TableException("parameter " + parameter + ": " + e.getMessage(), e);
    }
    for (String word : words) {
      boolean negated = false;
      String item = word;
      while (item.startsWith("!")) {
        negated = !negated;
        item = item.substring(1);
      }
      if (item.startsWith("/")) {
        addItems(parameter, readFile(parameter, Path.of(item)), opener, items);
      } else if (!item.startsWith("[") && item.indexOf(':') > 0) {
        items.add(new Table(opener.open(item), negated));
      } else if (!item.isEmpty()) {
        items.add(new Name(item.toLowerCase(Locale.ROOT), negated));
      }
    }
  }

  private static String readFile(String parameter, Path file) throws TableException {
    try {
      StringBuilder text = new StringBuilder();
      for (String line : Files.readAllLines(file)) {
        int hash = line.indexOf('#');
        text.append(hash < 0 ? line : line.substring(0, hash)).append('\n');
      }
      return text.toString();
    } catch (IOException e) {
      throw new TableException("parameter " + parameter + ": open " + file + ": " + e.getMessage(), e);
    }
  }

  public String parameter() {
    return parameter;
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  /** Whether {@code domain} is in the list; a table that cannot answer is an exception. */
  public boolean matches(String domain) throws TableException {
    String name = domain.toLowerCase(Locale.ROOT);
    for (Item item : items) {
      boolean hit =
          switch (item) {
            case Name n -> nameMatches(name, n.name());
            case Table t -> tableMatches(name, t.table());
          };
      if (hit) {
        return !item.negated();
      }
    }
    return false;
  }

  private boolean nameMatches(String name, String pattern) {
    if (name.equals(pattern)) {
      return true;
    }
    return switch (style) {
      case EXACT -> false;
      case PARENT -> name.endsWith("." + pattern);
      case DOT_PARENT -> pattern.startsWith(".") && name.endsWith(pattern);
    };
  }

  private boolean tableMatches(String name, LookupTable table) throws TableException {
    if (table.find(name).isPresent()) {
      return true;
    }
    if (style == Style.EXACT || table.matchStyle() != LookupTable.MatchStyle.FIXED) {
      return false;
    }
    for (int dot = name.indexOf('.', 1); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      String key = style == Style.PARENT ? name.substring(dot + 1) : name.substring(dot);
      if (!key.isEmpty() && table.find(key).isPresent()) {
        return true;
      }
    }
    return false;
  }
}
