package org.postern.util;

import java.util.Optional;
import java.util.function.Function;

/**
 * The constant of a closed set that a configuration word, log word or file name spells: the one
 * lookup behind every enum that carries Postfix's spelling ({@code may}, {@code enforce}, {@code
 * deferred}, {@code mail}, ...). Exact comparison: callers normalise case first where Postfix
 * ignores it.
 */
public final class Spellings {
  private Spellings() {}

  /** The first of {@code constants} whose {@code spelling} equals {@code word}, if any. */
  public static <E> Optional<E> find(E[] constants, Function<E, String> spelling, String word) {
    for (E constant : constants) {
      if (spelling.apply(constant).equals(word)) {
        return Optional.of(constant);
      }
    }
    return Optional.empty();
  }
}
