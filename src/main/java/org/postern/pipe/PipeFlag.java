package org.postern.pipe;

import java.util.Optional;
import org.postern.deliver.MailCopy;

/** The letters of pipe(8)'s {@code flags=} attribute. */
enum PipeFlag {
  /** {@code B}: blank line after the message. */
  BLANK_LINE('B', MailCopy.Flag.BLANK_LINE),
  /** {@code D}: Delivered-To header, with loop detection; one recipient per request. */
  DELIVERED_TO('D', MailCopy.Flag.DELIVERED_TO),
  /** {@code F}: From_ line. */
  FROM_LINE('F', MailCopy.Flag.FROM_LINE),
  /** {@code O}: X-Original-To header; one recipient per request. */
  ORIGINAL_TO('O', MailCopy.Flag.ORIGINAL_TO),
  /** {@code R}: Return-Path header. */
  RETURN_PATH('R', MailCopy.Flag.RETURN_PATH),
  /** {@code X}: the command delivers finally; success notices say "delivered", not "relayed". */
  FINAL_DELIVERY('X', null),
  /** {@code h}: lower-case the domain of $recipient and $original_recipient, $domain, $nexthop. */
  FOLD_HOST('h', null),
  /** {@code q}: quote the local part of $sender, $recipient and $original_recipient. */
  QUOTE_LOCAL('q', null),
  /** {@code u}: lower-case the local part of $recipient and $original_recipient. */
  FOLD_USER('u', null),
  /** {@code .}: dot-stuffing. */
  DOT_STUFF('.', MailCopy.Flag.DOT_STUFF),
  /** {@code >}: {@code >From} quoting. */
  QUOTE_FROM('>', MailCopy.Flag.QUOTE_FROM);

  private final char letter;
  private final MailCopy.Flag copyFlag;

  PipeFlag(char letter, MailCopy.Flag copyFlag) {
    this.letter = letter;
    this.copyFlag = copyFlag;
  }

  /** What this flag changes in the copied message, if anything. */
  Optional<MailCopy.Flag> copyFlag() {
    return Optional.ofNullable(copyFlag);
  }

  static PipeFlag of(char letter) {
    for (PipeFlag f : values()) {
      if (f.letter == letter) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown flag: " + letter);
  }
}
