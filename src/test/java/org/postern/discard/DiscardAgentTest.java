package org.postern.discard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.RecipientResult;

class DiscardAgentTest {
  @TempDir Path dir;

  @Test
  void deliver_textNexthop_sendsEveryRecipientWithText() throws Exception {
    List<RecipientResult> results = new DiscardAgent().deliver(TestRequests.request(dir,
        "s@example.org", "Subject: x\n\nbody\n", "discard", "silently", "a@x.example", "b@x.example"));

    assertThat(results).hasSize(2).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.SENT);
      assertThat(r.dsn()).isEqualTo("2.0.0");
      assertThat(r.relay()).isEqualTo("none");
      assertThat(r.text()).isEqualTo("silently");
      assertThat(r.action()).isEqualTo("delivered");
    });
  }

  @Test
  void deliver_statusInNexthop_keepsSuccessStatusOnly() throws Exception {
    DiscardAgent agent = new DiscardAgent();

    RecipientResult withStatus = agent.deliver(TestRequests.request(dir, "", "\n", "discard",
        "2.7.0 filtered by policy", "a@x.example")).get(0);
    RecipientResult wrongClass = agent.deliver(TestRequests.request(dir, "", "\n", "discard",
        "5.7.1 spam", "a@x.example")).get(0);

    assertThat(withStatus.dsn()).isEqualTo("2.7.0");
    assertThat(withStatus.text()).isEqualTo("filtered by policy");
    assertThat(wrongClass.dsn()).isEqualTo("2.0.0");
    assertThat(wrongClass.text()).isEqualTo("spam");
  }
}
