package org.postern.config;

import org.postern.util.MacroExpansion;

/**
 * main.cf's {@code $name} expansion, as Postfix's {@code mail_conf_eval()}: the shared {@link
 * MacroExpansion} engine over parameter values, each referenced value expanded in turn.
 *
 * <p>Failure: a malformed value, or one that refers to itself, throws {@link
 * ExpansionException} with the engine's description; the caller adds file, line and parameter.
 */
final class Expander {
  private Expander() {}

  static MacroExpansion.Result expand(String text, MacroExpansion.Lookup lookup)
      throws ExpansionException {
    try {
      return MacroExpansion.expand(text, lookup, MacroExpansion.Flags.RECURSE);
    } catch (IllegalArgumentException e) {
      throw new ExpansionException(e.getMessage());
    }
  }
}
