package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TargetTest {
  @Test
  void parse_aliasValue_recognisesEveryKind() {
    assertThat(Target.parse("a@example.org, /var/log/mail, \"|/usr/bin/x -a, b\", "
        + ":include:/etc/list, \\Alice, <b@example.org>"))
        .containsExactly(
            new Target.Address("a@example.org"),
            new Target.File(Path.of("/var/log/mail")),
            new Target.Command("/usr/bin/x -a, b"),
            new Target.Include(Path.of("/etc/list")),
            new Target.Mailbox("alice"),
            new Target.Address("b@example.org"));
  }

  @Test
  void parse_fileWithCommentsAndLines_skipsComments() {
    assertThat(Target.parse("# team\na@example.org\n\n  # more\nb@example.org, c\n"))
        .containsExactly(new Target.Address("a@example.org"), new Target.Address("b@example.org"),
            new Target.Address("c"));
  }

  @Test
  void parse_quotedBackslash_keepsEscapedQuote() {
    assertThat(Target.parse("\"|echo \\\"hi\\\"\"")).containsExactly(new Target.Command("echo \"hi\""));
  }
}
