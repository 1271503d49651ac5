/**
 * SMTP TLS Reporting (RFC 8460, TLSRPT) for the SMTP client: a domain that publishes DANE TLSA
 * records or an MTA-STS policy learns, once a day, how many sessions senders held to that policy
 * and which failed, and why. Postfix 3.10 needs an outside library and daemon (tlsrpt-reporter)
 * for this; Postern does it itself, off by default ({@code postern_tlsrpt_enable = no}).
 *
 * <p>Recording: the SMTP client (org.postern.smtp's TlsRptSessions) counts each session with a
 * server once, under the policy that held it: usable TLSA records ({@code policy-type tlsa}), an
 * MTA-STS {@code enforce} or {@code testing} policy ({@code sts}; without policy strings when the
 * policy the domain announces could not be had), else {@code no-policy-found}; as a success or a
 * failure with its result type (section 4.3.2, all of them: {@code starttls-not-supported}, the
 * {@code certificate-*} kinds told apart from the chain the server sent, {@code tlsa-invalid},
 * {@code dnssec-invalid}, {@code dane-required}, {@code validation-failure} and the three {@code
 * sts-*} discovery failures), with {@code sending-mta-ip} and {@code receiving-mx-helo} where the
 * session got that far. The policy domain is the next-hop domain. Each record is one line
 * appended to the UTC day's {@link org.postern.tlsrpt.Journal} in {@code $data_directory/tlsrpt}:
 * no other I/O on the delivery path, and a crash tears at most the line being written.
 *
 * <p>Reporting: {@code postern tlsrpt-report} (org.postern.cli) reads a finished day's journal,
 * builds one JSON report per policy domain (section 4.4, {@link org.postern.tlsrpt.TlsReport}),
 * looks up the domain's {@code _smtp._tls} TXT record ({@code v=TLSRPTv1; rua=...}, section 3)
 * through Postern's resolver, and sends the report to each {@code rua}: {@code mailto:} as a
 * {@code multipart/report; report-type="tlsrpt"} message with the gzip'd JSON attached (section
 * 5.3, {@link org.postern.tlsrpt.ReportMessage}), {@code https:} as a POST of the gzip'd JSON
 * (section 5.4, org.postern.mtasts's HttpsPost), tried again with a doubling wait when it fails
 * ({@link org.postern.tlsrpt.Reporter.PostRetry}). Then the day's journal is removed, or keeps
 * only the domains whose report failed; journals older than a week are removed in any case.
 *
 * <p>Failure: a journal that cannot be written costs the record and a warning, never a delivery.
 * A torn or unreadable journal line is skipped by the report. A domain without exactly one valid
 * {@code v=TLSRPTv1} record gets no report; a failed TXT lookup, queue write or POST is reported
 * by the command, which exits with EX_TEMPFAIL after trying the rest.
 */
package org.postern.tlsrpt;
