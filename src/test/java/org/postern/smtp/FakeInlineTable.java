package org.postern.smtp;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.postern.util.ParameterList;

/**
 * Builds a fixed {@link FakeTable} from real {@code inline:{ {key = value} ... }} text, so that
 * tests can feed the default policy as written. Keys fold to lower case, as inline: does.
 */
final class FakeInlineTable {
  private FakeInlineTable() {}

  static FakeTable of(String spec) {
    String body = ParameterList.stripBraces(spec.substring("inline:".length()));
    Map<String, String> entries = new HashMap<>();
    for (String entry : ParameterList.split(body)) {
      String pair = ParameterList.stripBraces(entry);
      int eq = pair.indexOf('=');
      entries.put(
          pair.substring(0, eq).strip().toLowerCase(Locale.ROOT), pair.substring(eq + 1).strip());
    }
    return FakeTable.fixed(spec, entries);
  }
}
