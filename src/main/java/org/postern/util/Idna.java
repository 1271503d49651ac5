package org.postern.util;

import com.ibm.icu.text.IDNA;
import java.util.Optional;

/**
 * Domain names between U-label and A-label form by UTS #46 non-transitional processing
 * (IDNA2008 as Postfix uses it), through ICU4J; the JDK's {@link java.net.IDN} is IDNA2003.
 *
 * <p>Failure: a name that cannot be converted yields {@link Optional#empty()}; callers decide
 * whether that is an error (configuration) or a default (policy lookups).
 */
public final class Idna {
  private Idna() {}

  /**
   * ICU's converter, made on first use: loading its data costs a short-lived command (sendmail,
   * postconf) more than the rest of its start, and an ASCII configuration never needs it.
   */
  private static final class Uts46 {
    static final IDNA INSTANCE =
        IDNA.getUTS46Instance(
            IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI
                | IDNA.CHECK_CONTEXTJ);

    private Uts46() {}
  }

  /** True when every character is 7-bit ASCII. */
  public static boolean isAscii(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * The A-label form of {@code name}. An ASCII name is returned as it is (Postfix does not
   * lower-case or validate ASCII here); a non-ASCII name is converted, or empty when invalid.
   */
  public static Optional<String> toAscii(String name) {
    if (isAscii(name)) {
      return Optional.of(name);
    }
    IDNA.Info info = new IDNA.Info();
    StringBuilder out = new StringBuilder();
    Uts46.INSTANCE.nameToASCII(name, out, info);
    if (info.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(out.toString());
  }

  /** The U-label form of {@code name}, or empty when it is not a valid IDN. */
  public static Optional<String> toUnicode(String name) {
    IDNA.Info info = new IDNA.Info();
    StringBuilder out = new StringBuilder();
    Uts46.INSTANCE.nameToUnicode(name, out, info);
    if (info.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(out.toString());
  }
}
