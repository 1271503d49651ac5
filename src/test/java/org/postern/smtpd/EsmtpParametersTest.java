package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EsmtpParametersTest {
  private static final EsmtpParameters.Allowed ALL = new EsmtpParameters.Allowed(true, true, true);
  private static final EsmtpParameters.Allowed PLAIN = new EsmtpParameters.Allowed(true, true, false);

  @Test
  void parseMail_allKnownParameters_areRecorded() throws Exception {
    EsmtpParameters.Mail m =
        EsmtpParameters.parseMail(
            List.of("SIZE=100", "body=7bit", "RET=FULL", "ENVID=a+2Bb", "SMTPUTF8", "REQUIRETLS", "AUTH=<>"), ALL);
    assertThat(m.size()).hasValue(100);
    assertThat(m.body()).contains(Envelope.Body.SEVEN_BIT);
    assertThat(m.ret()).contains(Envelope.Ret.FULL);
    assertThat(m.envid()).contains("a+b");
    assertThat(m.smtputf8()).isTrue();
    assertThat(m.requireTls()).isTrue();
  }

  @Test
  void parseMail_requiretlsNotAllowed_replies555() {
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("REQUIRETLS"), PLAIN))
        .hasMessage("555 5.5.4 Unsupported option: REQUIRETLS");
  }

  @Test
  void parseMail_secondAuthAfterASender_replies503AsPostfix() throws Exception {
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("AUTH=a@b.example", "AUTH=<>"), ALL))
        .hasMessage("503 5.5.4 Error: multiple AUTH= options");
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("AUTH=<>", "AUTH=x", "auth=y"), ALL))
        .hasMessage("503 5.5.4 Error: multiple AUTH= options");
    // Postfix remembers only a non-null AUTH= sender, so AUTH=<> may repeat.
    assertThat(EsmtpParameters.parseMail(List.of("AUTH=<>", "AUTH=<>"), ALL).size()).isEmpty();
  }

  @Test
  void parseMail_sizeNotDigitsOrOverflowing_repliesAsPostfixAlldigAndOffCvt() {
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("SIZE=-1"), ALL))
        .hasMessage("501 5.5.4 Bad message size syntax");
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("SIZE="), ALL))
        .hasMessage("501 5.5.4 Bad message size syntax");
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("SIZE=99999999999999999999"), ALL))
        .hasMessage("552 5.3.4 Message size exceeds file system imposed limit");
  }

  @Test
  void parseMail_duplicateRetOrBadEnvid_replies501() {
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("RET=FULL", "RET=HDRS"), ALL))
        .hasMessage("501 5.5.4 Bad RET parameter syntax");
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("ENVID=a+zz"), ALL))
        .hasMessage("501 5.5.4 Bad ENVID parameter syntax");
  }

  @Test
  void parseMail_dsnDiscarded_replies501DsnDisabled() {
    assertThatThrownBy(
            () -> EsmtpParameters.parseMail(List.of("RET=FULL"), new EsmtpParameters.Allowed(false, true, false)))
        .hasMessage("501 5.7.1 DSN support is disabled");
  }

  @Test
  void parseRcpt_notifyAndOrcpt_areDecoded() throws Exception {
    EsmtpParameters.Rcpt r = EsmtpParameters.parseRcpt(List.of("NOTIFY=delay,failure", "ORCPT=rfc822;x+3Dy@z"), ALL);
    assertThat(r.dsnNotify()).containsExactlyInAnyOrder(Envelope.Notify.DELAY, Envelope.Notify.FAILURE);
    assertThat(r.orcpt()).contains(new Envelope.Orcpt("rfc822", "x=y@z"));
  }

  @Test
  void parseRcpt_neverWithOthersOrOrcptWithoutType_replies501() {
    assertThatThrownBy(() -> EsmtpParameters.parseRcpt(List.of("NOTIFY=NEVER,SUCCESS"), ALL))
        .hasMessage("501 5.5.4 Error: Bad NOTIFY parameter syntax");
    assertThatThrownBy(() -> EsmtpParameters.parseRcpt(List.of("ORCPT=;a@b"), ALL))
        .hasMessage("501 5.5.4 Error: Bad ORCPT parameter syntax");
  }
}
