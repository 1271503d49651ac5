package org.postern.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The one registry that every Postern metric of this process is kept in, and the Prometheus
 * conventions shared by its families.
 *
 * <p>Why one per process and not one per master: the facts are counted by a single call at the
 * place each is decided (smtpd's reply writer, qmgr's status line), deep in code that has no
 * master to ask; a master is one process, as in Postfix, so the process's registry is the
 * master's. Tests that run daemons in-process only add to counters that nobody reads.
 *
 * <p>Failure: none; a metric family can be registered only once, which the static holders of the
 * families guarantee.
 */
final class PosternMetrics {
  static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

  private PosternMetrics() {}
}
