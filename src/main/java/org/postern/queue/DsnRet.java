package org.postern.queue;

/** The values of the MAIL FROM RET parameter (RFC 3461 section 4.3). */
public enum DsnRet {
  FULL,
  HDRS
}
