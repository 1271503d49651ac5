/**
 * esmtp - ESMTP syntax shared by the server side (smtpd, {@code sendmail -bs}) and the client
 * side (smtp, lmtp).
 *
 * <p>What lives here is grammar, not policy: RFC 3461 xtext (section 4) as used by ENVID and
 * ORCPT, the RFC 5321 reverse-/forward-path in angle brackets with quoted local parts, and the
 * RFC 5321 reply (section 4.2) as read from a server or a before-queue filter. The daemons decide
 * what a malformed value means for the session; the syntax classes only say "not valid" (an
 * empty Optional, or -1), never throw on peer bytes.
 *
 * <p>Failure: the reply reader is the one class that reads a stream; it fails with an {@code
 * IOException} for a malformed reply, a lost connection, a bound its caller set, or a passed
 * deadline, and leaves what that means (defer, 451, hang up) to the caller.
 */
package org.postern.esmtp;
