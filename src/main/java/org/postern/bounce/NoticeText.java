package org.postern.bounce;

import java.util.List;

/**
 * The human-readable words of a report, in Postern's own wording: who is writing, what happened,
 * and what the reader may do about it. Postfix's bounce templates have the same shape (system
 * and host first, then the explanation); bounce_template_file is not read.
 */
final class NoticeText {
  private NoticeText() {}

  static List<String> preamble(Notice n, BounceSettings s) {
    String who = "This report comes from the " + s.mailName() + " mail system at "
        + s.myhostname() + ".";
    return switch (n.type()) {
      case FAILURE -> List.of(
          who,
          "",
          "Your message could not be delivered to the recipients listed below,",
          "and no further attempts will be made. The reason for each one is",
          "given with its address. A copy of your message, or of its header,",
          "follows this report.",
          "",
          "For help, write to the postmaster of " + s.myhostname() + " and quote",
          "this report in full.");
      case DELAY -> List.of(
          who,
          "",
          "Your message has not yet reached the recipients listed below. This",
          "is a warning only: the mail system goes on trying and will write",
          "again if it gives up. There is no need to send the message again.");
      case SUCCESS -> List.of(
          who,
          "",
          "As you asked, this confirms that your message was delivered to, or",
          "handed on for, the recipients listed below.");
      case TRACE -> List.of(
          who,
          "",
          "As you asked (sendmail -bv), this reports what the next hop of each",
          "recipient below said about it. Nothing was delivered to them.");
    };
  }

  /** RFC 8689 section 5: say why the body is missing and why this report is not protected. */
  static List<String> redaction() {
    return List.of(
        "Your message was sent with REQUIRETLS (RFC 8689). This report travels",
        "without that protection, so it returns only the header of your message;",
        "the body has been left out.");
  }
}
