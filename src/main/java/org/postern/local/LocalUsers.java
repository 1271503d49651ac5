package org.postern.local;

import java.io.IOException;
import java.util.Optional;

/**
 * The user database local(8) consults ({@code getpwnam}/{@code getpwuid}): {@link PasswdFile} in
 * production, a fixed map in tests.
 *
 * <p>Failure: a database that cannot be read is an IOException; the recipient is deferred, never
 * bounced as unknown.
 */
public interface LocalUsers {
  /** The account named {@code name} (exact, case-sensitive as in passwd). */
  Optional<LocalUser> byName(String name) throws IOException;

  /** The first account with {@code uid}. */
  Optional<LocalUser> byUid(int uid) throws IOException;
}
