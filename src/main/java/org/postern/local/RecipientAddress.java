package org.postern.local;

import java.util.Locale;
import java.util.Optional;

/**
 * A recipient address as local(8) splits it: the lower-cased local part, the domain, and the
 * user and extension around the first {@code recipient_delimiter} character found (Postfix 2.11
 * and later accept several delimiter characters). An extension containing {@code /} is ignored,
 * so that it cannot name a path in forward_path; postmaster and mailer-daemon are never split.
 *
 * @param delimiter the delimiter character found, empty when there is no extension
 */
record RecipientAddress(String local, String domain, String user, String extension, String delimiter) {

  static RecipientAddress of(String address, String delimiters) {
    String lower = address.toLowerCase(Locale.ROOT);
    int at = lower.lastIndexOf('@');
    String local = at < 0 ? lower : lower.substring(0, at);
    String domain = at < 0 ? "" : lower.substring(at + 1);
    if (local.equals("postmaster") || local.equals("mailer-daemon")) {
      return new RecipientAddress(local, domain, local, "", "");
    }
    for (int i = 0; i < local.length(); i++) {
      if (i > 0 && delimiters.indexOf(local.charAt(i)) >= 0) {
        String extension = local.substring(i + 1);
        if (extension.contains("/")) {
          break;
        }
        return new RecipientAddress(local, domain, local.substring(0, i), extension,
            String.valueOf(local.charAt(i)));
      }
    }
    return new RecipientAddress(local, domain, local, "", "");
  }

  /** The lower-cased local part of {@code address} when it has no domain or this one. */
  Optional<String> sameDomainLocalPart(String address) {
    String lower = address.toLowerCase(Locale.ROOT);
    int at = lower.lastIndexOf('@');
    if (at < 0) {
      return Optional.of(lower);
    }
    return lower.substring(at + 1).equals(domain) ? Optional.of(lower.substring(0, at)) : Optional.empty();
  }
}
