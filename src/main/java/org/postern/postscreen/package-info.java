/**
 * postscreen(8): the zombie blocker in front of smtpd, as POSTSCREEN_README describes it. One
 * {@code smtp inet ... postscreen} service accepts every connection, checks the permanent access
 * list ({@code postscreen_access_list}), the temporary allow-list of clients that passed before
 * ({@code postscreen_cache_map}), then runs the tests that are due: before the greeting, the
 * pregreet test (a {@code 220-} teaser, then {@code postscreen_greet_wait} to see whether the
 * client speaks out of turn) and the DNS list score ({@code postscreen_dnsbl_sites} with
 * filters and weights, RFC 5782); after it, in a dummy SMTP engine, the deep protocol tests
 * (pipelining, non-SMTP commands, bare newlines, RFC 5321 section 4.1.1 and 2.3.8). A client
 * that passes goes to the {@code smtpd pass} service in the same process; one that fails is
 * ignored, enforced (every recipient refused with 550) or dropped (521), per test. The log
 * lines are Postfix 3.12's: {@code CONNECT from}, {@code PASS NEW}, {@code PASS OLD}, {@code
 * PREGREET}, {@code DNSBL rank}, {@code HANGUP}, {@code DISCONNECT}, {@code NOQUEUE: reject:
 * RCPT from}...
 *
 * <p>Not implemented: postscreen's own STARTTLS (tlsproxy), reply footers, EHLO keyword
 * filtering, the command filter, queue limits and the HAProxy protocol; those parameters are
 * marked in {@code ParameterSupport}. The cache is an lmdb: file that survives restarts (see
 * {@link org.postern.postscreen.ScreenCache}).
 *
 * <p>Failure: a bad setting stops the service at start-up; a DNS list that does not answer
 * within the greeting wait adds nothing to the score; a client that hangs up is logged as
 * HANGUP and never counted as failing a test; when no {@code smtpd pass} service runs, a client
 * that passed is told {@code 421 4.3.2 All server ports are busy}.
 */
package org.postern.postscreen;
