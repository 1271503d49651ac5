/**
 * master(8): the supervisor. Reads main.cf and master.cf, checks every service's view of the
 * configuration (its {@code -o} overrides included) before anything starts, and runs the
 * services as in-process components.
 *
 * <p>Today the master loads and checks the configuration and reports which master.cf services
 * this build can run; the receive path (smtpd, cleanup, pickup) is wired in as it lands.
 *
 * <p>Failure: a configuration error names file, line and parameter and stops start-up with
 * EX_CONFIG; nothing starts on a half-valid configuration.
 */
package org.postern.master;
