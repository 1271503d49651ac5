package org.postern.queue;

/**
 * The record types of a queue file, each with its one-byte code on disk and the name postcat
 * prints. The layout is described in docs/queue-format.md; the segments are: envelope (starting
 * with {@link #SIZE}), {@link #MESSAGE}, content ({@link #NORMAL} and {@link #CONTINUED} lines),
 * {@link #EXTRACTED}, extracted envelope, {@link #END}.
 */
public enum RecordType {
  SIZE('C', "message_size"),
  TIME('T', "message_arrival_time"),
  SENDER('S', "sender"),
  ATTRIBUTE('A', "named_attribute"),
  REQUIRETLS('Q', "requiretls"),
  SMTPUTF8('U', "smtputf8"),
  TLS_REQUIRED('V', "tls_required"),
  ORIGINAL_RECIPIENT('O', "original_recipient"),
  DSN_ORCPT('o', "dsn_orig_rcpt"),
  DSN_NOTIFY('n', "dsn_notify_flags"),
  RECIPIENT('R', "recipient"),
  DONE_RECIPIENT('D', "done_recipient"),
  MESSAGE('M', "message_content"),
  NORMAL('N', "regular_text"),
  CONTINUED('L', "unterminated_text"),
  EXTRACTED('X', "extracted_info"),
  END('E', "message_end");

  private final byte code;
  private final String postcatName;

  RecordType(char code, String postcatName) {
    this.code = (byte) code;
    this.postcatName = postcatName;
  }

  /** The byte that starts the record on disk. */
  public byte code() {
    return code;
  }

  /** The name postcat prints before the record value. */
  public String postcatName() {
    return postcatName;
  }

  /** True for the content records (a line, or the first part of a long line). */
  public boolean isText() {
    return this == NORMAL || this == CONTINUED;
  }

  /** The type whose code is {@code b}, or null for a byte that starts no record. */
  static RecordType ofCode(int b) {
    for (RecordType t : values()) {
      if (t.code == b) {
        return t;
      }
    }
    return null;
  }
}
