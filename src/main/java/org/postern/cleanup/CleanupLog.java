package org.postern.cleanup;

/**
 * Where cleanup's log lines go: one plain text line per call, already shaped as Postfix's cleanup
 * logs it ({@code 63CFB20C121: message-id=<...>}, {@code warning: 63CFB20C121: ...}). The
 * integrator connects this to the mail log; tests record the lines.
 */
@FunctionalInterface
public interface CleanupLog {
  void line(String text);
}
