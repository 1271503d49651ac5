package org.postern.tlsrpt;

/**
 * Where the SMTP client counts sessions for TLS reporting. Recording never fails the delivery:
 * an implementation reports its own problems (a journal that cannot be written) and carries on.
 */
public interface SessionRecorder extends AutoCloseable {
  /** Records nothing: TLS reporting is off ({@code postern_tlsrpt_enable = no}). */
  SessionRecorder NONE = r -> { };

  void record(SessionRecord r);

  @Override
  default void close() {}
}
