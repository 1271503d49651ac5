/**
 * SMTP TLS Reporting (RFC 8460, TLSRPT) for the SMTP client: a domain that publishes DANE TLSA
 * records or an MTA-STS policy learns, once a day, how many sessions senders held to that policy
 * and which failed, and why. Postfix 3.10 needs an outside library and daemon (tlsrpt-reporter)
 * for this; Postern does it itself, off by default ({@code postern_tlsrpt_enable = no}).
 *
 * <p>Recording: the SMTP client counts each session with a server held to usable TLSA records
 * ({@code policy-type tlsa}) or to an MTA-STS {@code enforce} or {@code testing} policy ({@code
 * sts}) as a success or a failure with its result type (section 4.3.2: {@code
 * starttls-not-supported}, {@code certificate-*}, {@code tlsa-invalid}, {@code dnssec-invalid},
 * {@code validation-failure}). The policy domain is the next-hop domain. Each record is one line
 * appended to the UTC day's {@link org.postern.tlsrpt.Journal} in {@code
 * $data_directory/tlsrpt}: no other I/O on the delivery path, and a crash tears at most the line
 * being written.
 *
 * <p>Reporting: {@code postern tlsrpt-report} (org.postern.cli) reads a finished day's journal,
 * builds one JSON report per policy domain (section 4.4, {@link org.postern.tlsrpt.TlsReport}),
 * looks up the domain's {@code _smtp._tls} TXT record ({@code v=TLSRPTv1; rua=...}, section 3)
 * through Postern's resolver, and sends the report to each {@code rua}: {@code mailto:} as a
 * {@code multipart/report; report-type="tlsrpt"} message with the gzip'd JSON attached (section
 * 5.3, {@link org.postern.tlsrpt.ReportMessage}), {@code https:} as a POST of the gzip'd JSON
 * (section 5.4, org.postern.mtasts's HttpsPost).
 *
 * <p>Not done: {@code sts-policy-fetch-error} and the other policy discovery failures (a domain
 * whose policy cannot be fetched is not reported on), {@code dane-required}, the reason a
 * certificate failed under MTA-STS {@code enforce} (reported as {@code validation-failure}),
 * {@code sending-mta-ip}, retrying a POST that failed (the next run sends the next day), and
 * removal of old journals.
 *
 * <p>Failure: a journal that cannot be written costs the record and a warning, never a delivery.
 * A torn or unreadable journal line is skipped by the report. A domain without exactly one valid
 * {@code v=TLSRPTv1} record gets no report; a failed TXT lookup, queue write or POST is reported
 * by the command, which exits with EX_TEMPFAIL after trying the rest.
 */
package org.postern.tlsrpt;
