package org.postern.pipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The account a pipe command runs as, from {@code user=name[:group]}, resolved through the
 * system's name service ({@code getent}, so NSS sources count as they do for Postfix's
 * {@code getpwnam()}). Postfix refuses root, group 0, and the mail system owner; so does this.
 *
 * @param uid the user id
 * @param gid the group's id, or the user's primary group
 */
record CommandUser(String name, long uid, long gid) {

  /**
   * Resolves and checks {@code user} and {@code group}. Failure: an unknown name is an
   * UnknownAccountException and a refused account an IllegalArgumentException, both in Postfix's
   * words; an IOException means getent could not run.
   */
  static CommandUser resolve(String user, Optional<String> group, String mailOwner)
      throws IOException, InterruptedException, UnknownAccountException {
    String[] pw = getent("passwd", user)
        .orElseThrow(() -> new UnknownAccountException("unknown username: " + user));
    long uid = Long.parseLong(pw[2]);
    long gid = Long.parseLong(pw[3]);
    if (group.isPresent()) {
      String[] gr = getent("group", group.get())
          .orElseThrow(() -> new UnknownAccountException("unknown group: " + group.get()));
      gid = Long.parseLong(gr[2]);
    }
    if (uid == 0) {
      throw new IllegalArgumentException("user= command-line attribute specifies root privileges");
    }
    if (gid == 0) {
      throw new IllegalArgumentException(
          "user= command-line attribute specifies privileged group id 0");
    }
    Optional<String[]> owner = mailOwner.isEmpty() ? Optional.empty() : getent("passwd", mailOwner);
    if (owner.isPresent() && Long.parseLong(owner.get()[2]) == uid) {
      throw new IllegalArgumentException(
          "user= command-line attribute specifies mail system owner " + mailOwner);
    }
    if (owner.isPresent() && Long.parseLong(owner.get()[3]) == gid) {
      throw new IllegalArgumentException("user= command-line attribute specifies mail system owner "
          + mailOwner + " group id " + gid);
    }
    return new CommandUser(user, uid, gid);
  }

  private static Optional<String[]> getent(String database, String key)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("getent", database, key)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("getent " + database + " " + key + ": no answer within 10s");
    }
    if (p.exitValue() != 0 || out.isEmpty()) {
      return Optional.empty();
    }
    String[] f = out.split("\n", 2)[0].split(":", -1);
    return f.length >= 4 ? Optional.of(f) : Optional.empty();
  }
}
