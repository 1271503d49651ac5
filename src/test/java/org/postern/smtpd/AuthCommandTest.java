package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthCommandTest {
  private static AuthCommand.Parsed parse(String line) throws ReplyException {
    return AuthCommand.parse(CommandLine.parse(line).orElseThrow());
  }

  @Test
  void parse_mechanismOnly_noInitialResponse() throws Exception {
    assertThat(parse("AUTH LOGIN")).isEqualTo(new AuthCommand.Parsed("LOGIN", Optional.empty()));
  }

  @Test
  void parse_initialResponse_keptAsSent() throws Exception {
    assertThat(parse("AUTH PLAIN AGFsaWNlAHNlY3JldA=="))
        .isEqualTo(new AuthCommand.Parsed("PLAIN", Optional.of("AGFsaWNlAHNlY3JldA==")));
  }

  @Test
  void parse_equalsSign_isAnEmptyInitialResponse() throws Exception {
    assertThat(parse("AUTH PLAIN =")).isEqualTo(new AuthCommand.Parsed("PLAIN", Optional.of("")));
  }

  @Test
  void parse_noMechanismOrTooManyWords_replies501() {
    assertThatThrownBy(() -> parse("AUTH"))
        .isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.reply().toString()).isEqualTo("501 5.5.4 Syntax: AUTH mechanism"));
    assertThatThrownBy(() -> parse("AUTH PLAIN AA== extra")).isInstanceOf(ReplyException.class);
  }
}
