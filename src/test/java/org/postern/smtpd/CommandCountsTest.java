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
    assertThat(c.format()).isEqualTo(" ehlo=1 rcpt=1/2 quit=1 unknown=0/1 commands=3/5");
  }
}
