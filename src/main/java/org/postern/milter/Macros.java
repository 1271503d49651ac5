package org.postern.milter;

import java.util.Optional;

/**
 * Macro values as the MTA knows them now. Names come in Sendmail's braced form ({@code {j}},
 * {@code {daemon_name}}, {@code {i}}); a value that is not known is left out of the packet.
 */
@FunctionalInterface
public interface Macros {
  Macros NONE = name -> Optional.empty();

  Optional<String> value(String bracedName);

  /** The braced form of a list entry: {@code j} becomes {@code {j}}. */
  static String braced(String name) {
    return name.startsWith("{") ? name : "{" + name + "}";
  }
}
