package org.postern.mtasts;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code _mta-sts} TXT record of a domain (RFC 8461 section 3.1), {@code v=STSv1; id=...;},
 * reduced to what the sender needs: the policy id, which changes whenever the policy file does.
 */
record StsRecord(String id) {
  private static final Pattern VERSION = Pattern.compile("v=STSv1[ \t]*;.*", Pattern.DOTALL);
  private static final Pattern FIELD =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}=[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");

  /**
   * The record among a name's TXT records: those not starting {@code v=STSv1;} are discarded, and
   * anything but exactly one valid record left means no policy is announced.
   */
  static Optional<StsRecord> select(List<String> txt) {
    List<String> candidates = txt.stream().filter(t -> VERSION.matcher(t).matches()).toList();
    return candidates.size() == 1 ? parse(candidates.getFirst()) : Optional.empty();
  }

  /** Fields are {@code name=value} separated by {@code ;} with optional blanks; the first is {@code v}. */
  static Optional<StsRecord> parse(String text) {
    String[] fields = text.split(";", -1);
    String id = null;
    for (int i = 1; i < fields.length; i++) {
      String field = fields[i].strip();
      if (field.isEmpty() && i == fields.length - 1) {
        break;
      }
      if (!FIELD.matcher(field).matches()) {
        return Optional.empty();
      }
      if (field.startsWith("id=") && id == null) {
        id = field.substring(3);
      }
    }
    return id != null && ID.matcher(id).matches() ? Optional.of(new StsRecord(id)) : Optional.empty();
  }
}
