package org.postern.discard;

import java.util.List;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.DsnReason;
import org.postern.deliver.RecipientResult;

/** Marks every recipient delivered, with the next hop text as the logged reason. */
public final class DiscardAgent implements DeliveryAgent {
  private static final String DEFAULT_DSN = "2.0.0";
  private static final String RELAY = "none";

  public DiscardAgent() {}

  /** The agent for a discard service; it needs no parameters. */
  public static DiscardAgent of(MainConfig config) {
    return new DiscardAgent();
  }

  @Override
  public List<RecipientResult> deliver(DeliveryRequest request) {
    DsnReason reason = DsnReason.split(DEFAULT_DSN, request.nexthop());
    String dsn = reason.dsnOfClass(DEFAULT_DSN);
    return request.recipients().stream()
        .map(r -> RecipientResult.sent(r, dsn, RELAY, reason.text()))
        .toList();
  }
}
