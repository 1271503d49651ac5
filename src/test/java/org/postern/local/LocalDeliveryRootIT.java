package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.table.Tables;

/**
 * local(8) as root: Maildir entries belong to the recipient, commands run with the recipient's
 * uid through setpriv (util-linux). Needs uid 0 and the {@code nobody} account's uid 65534.
 */
class LocalDeliveryRootIT {
  private static final int NOBODY = 65534;
  private static final String MESSAGE = "Subject: root\r\n\r\nbody\r\n";

  @TempDir Path tmp;
  private LocalFixture f;
  private LocalUser user;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
        "needs root");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    f = new LocalFixture(tmp);
    f.users.add("mailuser", NOBODY, tmp);
    user = f.users.byName("mailuser").orElseThrow();
    Files.setOwner(user.home(), tmp.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(Integer.toString(NOBODY)));
  }

  private LocalDelivery rootAgent() throws Exception {
    return new LocalDelivery(org.postern.config.MainConfig.of(tmp.resolve("etc"), f.parameters),
        Tables::open, f.submitter, LocalFixture.CLOCK, Privileges.root(), f.users);
  }

  @Test
  void deliver_maildirAsRoot_filesBelongToRecipient() throws Exception {
    f.parameters.put("home_mailbox", "Maildir/");
    try (LocalDelivery agent = rootAgent()) {
      List<RecipientResult> r = agent.deliver(f.request(MESSAGE, "mailuser@mx.example.org"));
      assertThat(r).extracting(RecipientResult::status).containsExactly(Status.SENT);
    }
    Path maildir = user.home().resolve("Maildir");
    try (Stream<Path> files = Files.list(maildir.resolve("new"))) {
      Path file = files.findFirst().orElseThrow();
      assertThat(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(NOBODY);
    }
    assertThat(Files.getAttribute(maildir.resolve("cur"), "unix:uid")).isEqualTo(NOBODY);
  }

  @Test
  void deliver_dotForwardCommandAsRoot_runsWithRecipientUid() throws Exception {
    Path out = user.home().resolve("uid");
    Path forward = user.home().resolve(".forward");
    Files.writeString(forward, "\"|id -u > " + out + "\"\n");
    Files.setOwner(forward, tmp.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(Integer.toString(NOBODY)));
    try (LocalDelivery agent = rootAgent()) {
      List<RecipientResult> r = agent.deliver(f.request(MESSAGE, "mailuser@mx.example.org"));
      assertThat(r).extracting(RecipientResult::text)
          .containsExactly("delivered to command: id -u > " + out);
    }
    assertThat(Files.readString(out).strip()).isEqualTo(Integer.toString(NOBODY));
  }

  @Test
  void deliver_dotForwardFileAsRoot_cannotWriteWhereUserCannot() throws Exception {
    Path forward = user.home().resolve(".forward");
    Path target = tmp.resolve("root-only");
    Files.writeString(forward, target + "\n");
    Files.setOwner(forward, tmp.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(Integer.toString(NOBODY)));
    try (LocalDelivery agent = rootAgent()) {
      List<RecipientResult> r = agent.deliver(f.request(MESSAGE, "mailuser@mx.example.org"));
      assertThat(r).extracting(RecipientResult::status).containsExactly(Status.BOUNCED);
      assertThat(r.get(0).dsn()).isEqualTo("5.2.0");
      assertThat(r.get(0).text()).startsWith("cannot append message to file " + target + ": ")
          .contains("Permission denied");
    }
    assertThat(target).doesNotExist();
  }
}
