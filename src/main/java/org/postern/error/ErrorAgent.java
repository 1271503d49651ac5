package org.postern.error;

import java.util.List;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.DsnReason;
import org.postern.deliver.RecipientResult;
import org.postern.util.Spellings;

/**
 * Fails every recipient with the next hop as the reason: bounced under the service name {@code
 * error}, deferred under {@code retry}. A separate class per name would duplicate the one rule
 * that differs, so the name is a {@link Mode}.
 */
public final class ErrorAgent implements DeliveryAgent {

  /** What the service does with each recipient, by its master.cf name. */
  public enum Mode {
    /** {@code error}: bounce, default status 5.0.0. */
    ERROR("error", "5.0.0"),
    /** {@code retry}: defer, default status 4.0.0. */
    RETRY("retry", "4.0.0");

    private final String serviceName;
    private final String defaultDsn;

    Mode(String serviceName, String defaultDsn) {
      this.serviceName = serviceName;
      this.defaultDsn = defaultDsn;
    }

    public String serviceName() {
      return serviceName;
    }

    /** The mode for master.cf service {@code name}, as Postfix's error(8) accepts it. */
    public static Mode forService(String name) {
      return Spellings.find(values(), m -> m.serviceName, name)
          .orElseThrow(() -> new IllegalArgumentException("bad error service name: " + name));
    }
  }

  private static final String RELAY = "none";

  private final Mode mode;

  public ErrorAgent(Mode mode) {
    this.mode = mode;
  }

  /**
   * The agent for the service that {@code config} was made for ({@code service_name}, set by
   * {@link MainConfig#withOverrides(org.postern.config.MasterService)}); {@code error} when the
   * configuration names no service.
   */
  public static ErrorAgent of(MainConfig config) {
    String name = config.get("service_name");
    return new ErrorAgent(Mode.forService(name.isEmpty() ? "error" : name));
  }

  public Mode mode() {
    return mode;
  }

  @Override
  public List<RecipientResult> deliver(DeliveryRequest request) {
    DsnReason reason = DsnReason.split(mode.defaultDsn, request.nexthop());
    String dsn = reason.dsnOfClass(mode.defaultDsn);
    return request.recipients().stream()
        .map(r -> mode == Mode.ERROR
            ? RecipientResult.bounced(r, dsn, RELAY, reason.text())
            : RecipientResult.deferred(r, dsn, RELAY, reason.text()))
        .toList();
  }
}
