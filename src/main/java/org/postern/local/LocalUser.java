package org.postern.local;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One account of the user database, as {@code getpwnam(3)} returns it: whose rights a delivery
 * uses, where its home is, and the shell its commands see in {@code $SHELL}.
 */
public record LocalUser(String name, int uid, int gid, Path home, String shell) {
  public LocalUser {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(shell, "shell");
  }
}
