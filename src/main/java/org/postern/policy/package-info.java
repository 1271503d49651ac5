/**
 * The SMTPD access policy delegation client (Postfix's {@code check_policy_service},
 * SMTPD_POLICY_README): where a policy service listens and with which settings ({@link
 * org.postern.policy.PolicyService}), and the connection-keeping client that sends one request of
 * {@code name=value} attributes and reads back one {@code action} ({@link
 * org.postern.policy.PolicyClient}). What the attributes say and what the action does are smtpd's
 * business: the action is an access(5) table result.
 *
 * <p>Security: the policy server is a peer, and its reply hostile input: bounded lines, a bounded
 * number of them, one deadline per exchange; anything malformed becomes the service's default
 * action, never an exception in the SMTP session.
 */
package org.postern.policy;
