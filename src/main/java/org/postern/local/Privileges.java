package org.postern.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;

/**
 * How per-user work gets the user's rights. A JVM cannot change its uid, so:
 *
 * <ul>
 *   <li>{@link #root()}: the daemon runs as root. Commands ({@code |command} in aliases and
 *       .forward, {@code mailbox_command}), appends to {@code /file} targets and reads of
 *       .forward and {@code :include:} files run in a child started through util-linux {@code
 *       setpriv --reuid UID --regid GID --init-groups}, so the kernel checks the user's rights.
 *       Mailbox files and Maildir entries that the JVM writes itself are given to the user with
 *       {@link #own} right after they are created, and the JVM refuses symbolic links and files
 *       owned by someone else on that path.
 *   <li>{@link #unprivileged()}: the daemon runs as an ordinary user (mail_owner, tests). Every
 *       delivery runs with that user's rights; no ownership changes are attempted.
 * </ul>
 */
public interface Privileges {

  /** Whether work is done on behalf of other users (the JVM runs as root). */
  boolean switchesUser();

  /** The argument vector that runs {@code command} with the rights of {@code user}. */
  List<String> argv(LocalUser user, List<String> command);

  /** Gives {@code file}, just created by the JVM, to {@code user}. */
  void own(Path file, LocalUser user) throws IOException;

  /** Root: switch to the user with setpriv, chown what the JVM creates. */
  static Privileges root() {
    return new Privileges() {
      @Override
      public boolean switchesUser() {
        return true;
      }

      @Override
      public List<String> argv(LocalUser user, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", Integer.toString(user.uid()),
            "--regid", Integer.toString(user.gid()), "--init-groups", "--"));
        argv.addAll(command);
        return argv;
      }

      @Override
      public void own(Path file, LocalUser user) throws IOException {
        UserPrincipalLookupService names = file.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view =
            Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal owner = names.lookupPrincipalByName(Integer.toString(user.uid()));
        GroupPrincipal group = names.lookupPrincipalByGroupName(Integer.toString(user.gid()));
        view.setOwner(owner);
        view.setGroup(group);
      }
    };
  }

  /** Not root: everything runs as the current user. */
  static Privileges unprivileged() {
    return new Privileges() {
      @Override
      public boolean switchesUser() {
        return false;
      }

      @Override
      public List<String> argv(LocalUser user, List<String> command) {
        return List.copyOf(command);
      }

      @Override
      public void own(Path file, LocalUser user) {}
    };
  }

  /** {@link #root()} when this process runs as uid 0, else {@link #unprivileged()}. */
  public static Privileges detect() throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    return Integer.valueOf(0).equals(uid) ? root() : unprivileged();
  }
}
