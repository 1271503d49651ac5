package org.postern.table;

import java.util.List;
import java.util.Optional;

/**
 * {@code cidr:} tables (Postfix cidr_table(5)): {@code network/prefix result} and
 * {@code network_address result} rules for IPv4 and IPv6, {@code !} negation and
 * {@code if}/{@code endif}, first match wins. Keys and patterns are compared as binary
 * addresses, so IPv6 spelling does not matter; a key that is no address matches nothing.
 *
 * <p>Failure: a bad address, a bad prefix length, a network with host bits set, or a rule
 * without a result is a {@link TableException} reading as Postfix's warning ({@code cidr map
 * file, line N: non-null host address bits in "10.0.0.1/8", ...}); Postfix skips such a rule,
 * Postern refuses the table.
 */
final class CidrTable extends TableBase {
  private final PatternRules rules;

  CidrTable(String spec, String name) throws TableException {
    super(spec, MatchStyle.PATTERN);
    this.rules = PatternRules.parse(SourceText.of(name), "cidr map", CidrTable::parseLine);
  }

  private record Network(byte[] address, int prefix) implements PatternRules.Condition {
    @Override
    public Optional<List<String>> match(String key) {
      Optional<byte[]> k = InetAddressText.parse(unbracket(key));
      if (k.isEmpty() || k.get().length != address.length) {
        return Optional.empty();
      }
      return contains(k.get()) ? Optional.of(List.of()) : Optional.empty();
    }

    private boolean contains(byte[] candidate) {
      for (int bit = 0; bit < prefix; bit++) {
        if (bitAt(candidate, bit) != bitAt(address, bit)) {
          return false;
        }
      }
      return true;
    }
  }

  private static PatternRules.Parsed parseLine(String text, boolean ifLine, String where)
      throws TableException {
    int space = firstWhitespace(text);
    String pattern = text.substring(0, space);
    String result = text.substring(space).strip();
    boolean negated = pattern.startsWith("!");
    Network network = parseNetwork(negated ? pattern.substring(1) : pattern, where);
    if (ifLine) {
      if (!result.isEmpty()) {
        throw new TableException(where + ": extra text after IF");
      }
      return new PatternRules.Parsed(negated, network, null);
    }
    if (result.isEmpty()) {
      throw new TableException(where + ": no lookup result");
    }
    return new PatternRules.Parsed(negated, network, groups -> result);
  }

  private static Network parseNetwork(String pattern, String where) throws TableException {
    int slash = pattern.indexOf('/');
    String addressText = unbracket(slash < 0 ? pattern : pattern.substring(0, slash));
    byte[] address =
        InetAddressText.parse(addressText)
            .orElseThrow(
                () -> new TableException(where + ": bad address pattern: \"" + addressText + "\""));
    int bits = address.length * 8;
    if (slash < 0) {
      return new Network(address, bits);
    }
    String length = pattern.substring(slash + 1);
    if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(Character::isDigit)
        || Integer.parseInt(length) > bits) {
      throw new TableException(where + ": bad mask length in \"" + pattern + "\"");
    }
    Network network = new Network(address, Integer.parseInt(length));
    byte[] masked = masked(address, network.prefix());
    if (!java.util.Arrays.equals(masked, address)) {
      throw new TableException(
          where + ": non-null host address bits in \"" + pattern + "\", perhaps you should use \""
              + InetAddressText.format(masked) + "/" + network.prefix() + "\" instead");
    }
    return network;
  }

  private static byte[] masked(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int bit = prefix; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }

  private static int bitAt(byte[] a, int bit) {
    return (a[bit / 8] >>> (7 - bit % 8)) & 1;
  }

  private static String unbracket(String text) {
    if (text.startsWith("[") && text.endsWith("]")) {
      return text.substring(1, text.length() - 1);
    }
    return text;
  }

  private static int firstWhitespace(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return text.length();
  }

  @Override
  public Optional<String> find(String key) {
    return rules.find(key);
  }
}
