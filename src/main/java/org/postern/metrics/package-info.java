/**
 * Prometheus metrics of a running Postern ({@code postern_metrics_listen}, off by default): what
 * smtpd received, what is in the queue, what became of each delivery, how REQUIRETLS, DANE and
 * MTA-STS fared, and the JVM's own figures, served as Prometheus text at {@code /metrics}. Postfix
 * has no such endpoint (its operators parse the log); the names and labels here follow the log's
 * words: {@code status="sent"}, {@code tls="!requiretls:nostarttls"}, queue names as directories.
 *
 * <p>Recording: each fact is counted where it is decided, with one call from the deciding code
 * ({@link org.postern.metrics.SmtpdMetrics} from smtpd's reply writer, command counter, session
 * start and end of DATA; {@link org.postern.metrics.DeliveryMetrics} from qmgr's delivery status
 * line; {@link org.postern.metrics.TlsPolicyMetrics} around the SMTP client's TLSRPT session
 * recorder). Queue sizes are read from the queue directory at each scrape ({@link
 * org.postern.metrics.QueueMetrics}), as qshape reads them. The master starts and stops the HTTP
 * endpoint ({@link org.postern.metrics.MetricsEndpoint}) and moves it on reload.
 *
 * <p>The library is the Prometheus Java client (prometheus-metrics-core, its text exposition and
 * HTTP server, and its JVM collectors): no exposition text is written by hand.
 *
 * <p>Failure: recording never fails and never blocks the mail path; an endpoint that cannot bind
 * is fatal at start and a warning at reload, as a master.cf service is.
 */
package org.postern.metrics;
