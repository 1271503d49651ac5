package org.postern.verify;

import java.time.Duration;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;

/**
 * The verify(8) parameters, read once when the service starts.
 *
 * <p>Failure: a malformed {@code address_verify_sender} is a ConfigException with Postfix's
 * text; a bad time value is an IllegalArgumentException naming the parameter.
 *
 * @param map {@code address_verify_map}: where the cache lives, empty for memory only
 * @param sender {@code address_verify_sender}: the probe sender, empty or {@code <>} for the null
 *     sender
 * @param senderTtl {@code address_verify_sender_ttl}: how long one time-dependent probe sender
 *     lasts, zero for a fixed one
 * @param positiveExpire {@code address_verify_positive_expire_time}
 * @param positiveRefresh {@code address_verify_positive_refresh_time}
 * @param negativeCache {@code address_verify_negative_cache}
 * @param negativeExpire {@code address_verify_negative_expire_time}
 * @param negativeRefresh {@code address_verify_negative_refresh_time}
 * @param cleanupInterval {@code address_verify_cache_cleanup_interval}, zero for none
 */
public record VerifySettings(
    String map,
    String sender,
    Duration senderTtl,
    Duration positiveExpire,
    Duration positiveRefresh,
    boolean negativeCache,
    Duration negativeExpire,
    Duration negativeRefresh,
    Duration cleanupInterval) {

  /** Reads the settings; a probe sender starting or ending with {@code @} is refused, as in Postfix. */
  public static VerifySettings from(MainConfig c) throws ConfigException {
    String sender = c.get("address_verify_sender").strip();
    if (sender.startsWith("@") || (sender.endsWith("@") && sender.length() > 0)) {
      throw new ConfigException(c.configDirectory().resolve("main.cf"), 0, "address_verify_sender",
          "parameter address_verify_sender: value \"" + sender + "\" must not "
              + (sender.startsWith("@") ? "start" : "end") + " with '@'");
    }
    return new VerifySettings(
        c.get("address_verify_map").strip(),
        sender,
        c.getTime("address_verify_sender_ttl"),
        c.getTime("address_verify_positive_expire_time"),
        c.getTime("address_verify_positive_refresh_time"),
        c.getBoolean("address_verify_negative_cache"),
        c.getTime("address_verify_negative_expire_time"),
        c.getTime("address_verify_negative_refresh_time"),
        c.getTime("address_verify_cache_cleanup_interval"));
  }
}
