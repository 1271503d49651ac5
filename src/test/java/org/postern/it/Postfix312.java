package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the Postfix 3.12 reference peer is installed: {@code $POSTFIX312_ROOT}, else the default
 * root of {@code ../shared/peers/build-postfix-3.12}, which {@code bin/test} runs (once; cached).
 */
final class Postfix312 {
  private Postfix312() {}

  /** The install root; fails the test with the fix when the peer was never built. */
  static Path root() {
    String env = System.getenv("POSTFIX312_ROOT");
    Path root = Path.of(env != null && !env.isBlank() ? env : "/var/cache/postern-peers/postfix-3.12");
    assertThat(Files.isExecutable(root.resolve("usr/sbin/postconf")))
        .as("Postfix 3.12 peer under " + root + ": run ../shared/peers/build-postfix-3.12 (bin/test does)")
        .isTrue();
    return root;
  }

  /** A program of the peer, e.g. {@code postconf}. */
  static Path program(String name) {
    return root().resolve("usr/sbin").resolve(name);
  }
}
