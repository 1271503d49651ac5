/**
 * The error and retry delivery agents, Postfix's {@code error(8)}: every recipient of a request
 * fails with the reason that the next hop carries ({@code error:5.1.1 User unknown} in a
 * transport table, or the reason trivial-rewrite gives for an unknown domain).
 *
 * <p>The master.cf service name decides what failure means: under the name {@code error} every
 * recipient is bounced, under {@code retry} every recipient is deferred. The reason may start
 * with an RFC 3463 enhanced status code; without one the code is {@code 5.0.0} (error) or
 * {@code 4.0.0} (retry). A code of the wrong class is ignored and replaced by that default, as
 * Postfix's bounce and defer clients do. The relay is always {@code none}.
 *
 * <p>Standards: RFC 3463 (enhanced status codes).
 *
 * <p>Failure: a service name other than {@code error} or {@code retry} is refused when the agent
 * is built. Delivery itself cannot fail: it reads nothing but the request.
 */
package org.postern.error;
