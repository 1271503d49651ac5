/**
 * esmtp - ESMTP syntax shared by the server side (smtpd, {@code sendmail -bs}) and the client
 * side (smtp, lmtp).
 *
 * <p>What lives here is grammar, not policy: RFC 3461 xtext (section 4) as used by ENVID and
 * ORCPT, and the RFC 5321 reverse-/forward-path in angle brackets with quoted local parts. The
 * daemons decide what a malformed value means for the session; these classes only say "not
 * valid" (an empty Optional, or -1), never throw on peer bytes.
 */
package org.postern.esmtp;
