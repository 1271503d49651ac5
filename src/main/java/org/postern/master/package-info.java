/**
 * master(8): the supervisor, and the back end of {@code postern start|start-fg|stop|reload|status}.
 *
 * <p>The master checks main.cf and master.cf ({@link org.postern.master.ConfigCheck}: every
 * service's view, {@code -o} overrides included) before anything starts, then runs each master.cf
 * entry as an in-process {@link org.postern.master.Service} made by the {@link
 * org.postern.master.ServiceFactory} registered for its command ({@link
 * org.postern.master.ServiceRegistry}). An entry whose command this build lacks is skipped with
 * one warning naming its master.cf line; nothing is imitated. {@code maxproc} becomes a Semaphore
 * the service draws from for each unit of work it calls a process (for smtpd, a session).
 *
 * <p>Run-time files are Postfix's: {@code $queue_directory/pid/master.pid}, locked for the
 * master's life ({@link org.postern.master.PidFile}), and a control socket, {@code
 * $queue_directory/private/control} (mode 0600 in a 0700 directory: only the mail system's owner
 * and root reach it), which answers {@code status}, {@code reload} and {@code stop}. SIGTERM and
 * SIGINT stop, SIGHUP reloads, as with Postfix's master.
 *
 * <p>Reload re-reads both files; new entries start, removed ones stop, changed ones (their line or
 * main.cf differs) reload in place or, when a service cannot, are stopped and started again. Stop
 * closes the control socket, gives every service a grace period to finish work in flight, and
 * removes the pid file. Log lines are Postfix's: {@code daemon started -- version V,
 * configuration DIR}, {@code reload -- version V, configuration DIR}, {@code terminating on
 * signal 15}.
 *
 * <p>Failure: a configuration error names file, line and parameter and stops start-up with
 * EX_CONFIG; at reload it leaves the running configuration in place and goes back to the caller.
 * A live master holding the pid file, a control socket that cannot be bound, or a service that
 * cannot start is fatal at start-up (exit status 1); a service that cannot start at reload is
 * logged and the rest carry on.
 */
package org.postern.master;
