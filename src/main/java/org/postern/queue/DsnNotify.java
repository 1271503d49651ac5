package org.postern.queue;

/** The values of the RCPT TO NOTIFY parameter (RFC 3461 section 4.1). */
public enum DsnNotify {
  NEVER,
  SUCCESS,
  FAILURE,
  DELAY
}
