package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandCountsTest {
  @Test
  void format_noCommands_logsZeroOfZero_asPostfix312() {
    assertThat(new CommandCounts().format()).isEqualTo(" commands=0/0");
  }

  @Test
  void format_failedAndUnknownCommands_useOkSlashTotalInTableOrder() {
    CommandCounts c = new CommandCounts();
    c.succeeded(c.issued("QUIT"));
    c.issued("AUTH");
    c.succeeded(c.issued("RCPT"));
    c.issued("RCPT");
    c.succeeded(c.issued("EHLO"));
    c.issued("FOO");
    assertThat(c.format()).isEqualTo(" ehlo=1 auth=0/1 rcpt=1/2 quit=1 unknown=0/1 commands=3/6");
  }

  @Test
  void format_commandsOfPostfixTable_countedByNameInItsOrder() {
    CommandCounts c = new CommandCounts();
    for (String verb : new String[] {"HELP", "QUIT", "XFORWARD", "AUTH", "XCLIENT", "EHLO"}) {
      c.issued(verb);
    }
    assertThat(c.format()).isEqualTo(
        " ehlo=0/1 xclient=0/1 xforward=0/1 auth=0/1 quit=0/1 help=0/1 commands=0/6");
  }
}
