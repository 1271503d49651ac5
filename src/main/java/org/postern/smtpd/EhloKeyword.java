package org.postern.smtpd;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postern.util.Spellings;

/**
 * The ESMTP features smtpd can announce, in the order Postfix announces them, with the spelling
 * {@code smtpd_discard_ehlo_keywords} matches (case-insensitively). {@code silent-discard} is
 * accepted in that list and only suppresses logging in Postfix, so it masks nothing here.
 */
public enum EhloKeyword {
  PIPELINING,
  SIZE,
  VRFY,
  ETRN,
  STARTTLS,
  AUTH,
  ENHANCEDSTATUSCODES,
  EIGHTBITMIME("8BITMIME"),
  DSN,
  SMTPUTF8,
  CHUNKING,
  REQUIRETLS;

  private final String word;

  EhloKeyword() {
    this.word = name();
  }

  EhloKeyword(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }

  /** The keywords named in a {@code smtpd_discard_ehlo_keywords} value; unknown words are ignored. */
  static Set<EhloKeyword> parseDiscardList(List<String> words) {
    Set<EhloKeyword> masked = EnumSet.noneOf(EhloKeyword.class);
    for (String w : words) {
      Spellings.find(values(), k -> k.word, w.toUpperCase(Locale.ROOT)).ifPresent(masked::add);
    }
    return masked;
  }
}
