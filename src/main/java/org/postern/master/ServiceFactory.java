package org.postern.master;

import java.io.IOException;

/**
 * Makes the {@link Service} for a master.cf entry whose command field names it ({@code smtpd},
 * {@code pickup}, {@code cleanup}, ...). Creating must not start anything: the master calls
 * {@link Service#start()} next.
 *
 * <p>Failure: an IOException (a key file, a table that cannot be opened) means this entry cannot
 * run; the master reports it with the entry's master.cf line.
 */
@FunctionalInterface
public interface ServiceFactory {
  Service create(ServiceContext context) throws IOException;
}
