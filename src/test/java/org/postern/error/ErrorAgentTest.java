package org.postern.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;

class ErrorAgentTest {
  @TempDir Path dir;

  private DeliveryRequest request(String nexthop) throws Exception {
    return TestRequests.request(dir, "s@example.org", "Subject: x\n\nbody\n", "error", nexthop,
        "a@example.com", "b@example.com");
  }

  @Test
  void deliver_errorWithStatus_bouncesEveryRecipientWithStatusAndText() throws Exception {
    List<RecipientResult> results =
        new ErrorAgent(ErrorAgent.Mode.ERROR).deliver(request("5.1.1 User unknown"));

    assertThat(results).hasSize(2).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.1.1");
      assertThat(r.text()).isEqualTo("User unknown");
      assertThat(r.relay()).isEqualTo("none");
      assertThat(r.action()).isEqualTo("failed");
    });
    assertThat(results).extracting(r -> r.recipient().address())
        .containsExactly("a@example.com", "b@example.com");
  }

  @Test
  void deliver_errorWithoutStatus_uses500() throws Exception {
    RecipientResult r =
        new ErrorAgent(ErrorAgent.Mode.ERROR).deliver(request("mail for this domain is refused")).get(0);

    assertThat(r.dsn()).isEqualTo("5.0.0");
    assertThat(r.text()).isEqualTo("mail for this domain is refused");
  }

  @Test
  void deliver_errorWithTemporaryStatus_stillBouncesWith500() throws Exception {
    RecipientResult r = new ErrorAgent(ErrorAgent.Mode.ERROR).deliver(request("4.4.1 later")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.0.0");
    assertThat(r.text()).isEqualTo("later");
  }

  @Test
  void deliver_retryService_defersWithStatus() throws Exception {
    MainConfig config = MainConfig.of(dir, Map.of("service_name", "retry"));
    RecipientResult r = ErrorAgent.of(config).deliver(request("4.7.1 try again later")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.7.1");
    assertThat(r.text()).isEqualTo("try again later");
    assertThat(r.relay()).isEqualTo("none");
  }

  @Test
  void deliver_retryWithoutOrPermanentStatus_uses400() throws Exception {
    ErrorAgent retry = new ErrorAgent(ErrorAgent.Mode.RETRY);

    assertThat(retry.deliver(request("no route")).get(0).dsn()).isEqualTo("4.0.0");
    assertThat(retry.deliver(request("5.1.1 gone")).get(0).dsn()).isEqualTo("4.0.0");
  }

  @Test
  void of_noServiceName_isError_andUnknownNameIsRefused() {
    assertThat(ErrorAgent.of(MainConfig.of(dir, Map.of())).mode()).isEqualTo(ErrorAgent.Mode.ERROR);
    assertThatThrownBy(() -> ErrorAgent.Mode.forService("oops"))
        .hasMessage("bad error service name: oops");
  }
}
