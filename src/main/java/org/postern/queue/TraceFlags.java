package org.postern.queue;

import java.util.Map;

/**
 * The {@code trace_flags} attribute of a queue file, Postfix's {@code DEL_REQ_TRACE_FLAGS}: a
 * message that is an address probe rather than mail. {@link #MTA_VERIFY} marks a probe of the
 * verify service (its results update the address verification cache), {@link #USER_VERIFY} one
 * of {@code sendmail -bv}. Either way nothing is delivered: the delivery agents stop where the
 * next hop says whether it would take the recipient.
 *
 * <p>Failure: none; an attribute that is not a number means no flags, as Postfix's atoi does.
 *
 * @param value the attribute's number, as Postfix writes it ({@code trace_flags=256})
 */
public record TraceFlags(int value) {
  /** The attribute name in the queue file. */
  public static final String ATTRIBUTE = "trace_flags";

  /** Postfix's DEL_REQ_FLAG_MTA_VRFY. */
  public static final int MTA_VERIFY = 1 << 8;
  /** Postfix's DEL_REQ_FLAG_USR_VRFY. */
  public static final int USER_VERIFY = 1 << 9;
  /** Postfix's DEL_REQ_FLAG_RECORD. */
  public static final int RECORD = 1 << 10;

  private static final int MASK = MTA_VERIFY | USER_VERIFY | RECORD;

  /** The flags of an envelope's attributes; none when absent or not a number. */
  public static TraceFlags of(Map<String, String> attributes) {
    String v = attributes.get(ATTRIBUTE);
    if (v == null) {
      return new TraceFlags(0);
    }
    try {
      return new TraceFlags(Integer.parseInt(v.strip()) & MASK);
    } catch (NumberFormatException e) {
      return new TraceFlags(0);
    }
  }

  /** The flags of {@code envelope}. */
  public static TraceFlags of(Envelope envelope) {
    return of(envelope.attributes());
  }

  /** An address probe of the verify service. */
  public boolean mtaVerify() {
    return (value & MTA_VERIFY) != 0;
  }

  /** An address probe of {@code sendmail -bv}. */
  public boolean userVerify() {
    return (value & USER_VERIFY) != 0;
  }

  /** Postfix's DEL_REQ_TRACE_ONLY: a probe of either kind, which is never delivered. */
  public boolean traceOnly() {
    return mtaVerify() || userVerify();
  }
}
