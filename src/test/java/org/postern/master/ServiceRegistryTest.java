package org.postern.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceRegistryTest {
  @Test
  void find_registeredCommand_returnsItsFactory() {
    RecordingFactory smtpd = new RecordingFactory(true);
    ServiceRegistry r = new ServiceRegistry().register("smtpd", smtpd);

    assertThat(r.find("smtpd")).containsSame(smtpd);
    assertThat(r.find("qmgr")).isEmpty();
    assertThat(r.commands()).containsExactly("smtpd");
  }

  @Test
  void register_sameCommandTwice_fails() {
    ServiceRegistry r = new ServiceRegistry().register("smtpd", new RecordingFactory(true));

    assertThatThrownBy(() -> r.register("smtpd", new RecordingFactory(true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smtpd");
  }

  @Test
  void standard_runsPostscreenAndAcceptsItsHelpers() {
    assertThat(ServiceRegistry.standard().commands()).contains("postscreen", "dnsblog", "tlsproxy");
  }
}
