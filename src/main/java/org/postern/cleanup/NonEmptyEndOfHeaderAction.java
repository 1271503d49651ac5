package org.postern.cleanup;

import org.postern.util.Spellings;

/**
 * What cleanup does when the primary header ends at a line that is neither empty nor a header
 * ({@code non_empty_end_of_header_action}, Postfix 3.11): the line would otherwise read as part of
 * the header to the next program that parses the message.
 */
enum NonEmptyEndOfHeaderAction {
  /** Insert the missing empty line (what Postfix did before 3.11, and its default). */
  FIX_QUIETLY("fix_quietly"),
  /** Insert {@code MIME-Error: message header was not terminated by empty line}, then the empty line. */
  ADD_HEADER("add_header"),
  /** Log the line and reject the message with 5.6.0. */
  REJECT("reject");

  static final String PARAMETER = "non_empty_end_of_header_action";

  private final String spelling;

  NonEmptyEndOfHeaderAction(String spelling) {
    this.spelling = spelling;
  }

  String spelling() {
    return spelling;
  }

  /** The action {@code value} names; IllegalArgumentException naming the parameter otherwise. */
  static NonEmptyEndOfHeaderAction parse(String value) {
    return Spellings.find(values(), NonEmptyEndOfHeaderAction::spelling, value.strip())
        .orElseThrow(() -> new IllegalArgumentException(PARAMETER + ": unknown value: \""
            + value.strip() + "\" (fix_quietly, add_header or reject)"));
  }
}
