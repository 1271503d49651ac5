package org.postern.virtual;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.postern.config.MainConfig;
import org.postern.deliver.FileSizeLimit;
import org.postern.util.Spellings;

/**
 * The main.cf parameters of the virtual agent, read once when the service starts.
 *
 * @param serviceName the master.cf service name, logged as the relay
 * @param mailboxBase virtual_mailbox_base, as written (checked at delivery, as Postfix does)
 * @param mailboxLimit virtual_mailbox_limit, checked against message_size_limit
 * @param minimumUid virtual_minimum_uid
 * @param recipientDelimiter recipient_delimiter characters, empty for none
 * @param lockStyles virtual_mailbox_lock
 * @param lockAttempts deliver_lock_attempts
 * @param lockDelay deliver_lock_delay
 * @param staleLockTime stale_lock_time
 * @param strictOwnership strict_mailbox_ownership
 * @param hostname myhostname, the last part of maildir file names
 */
record VirtualSettings(
    String serviceName,
    String mailboxBase,
    List<String> mailboxMaps,
    List<String> uidMaps,
    List<String> gidMaps,
    FileSizeLimit mailboxLimit,
    long minimumUid,
    String recipientDelimiter,
    Set<LockStyle> lockStyles,
    int lockAttempts,
    Duration lockDelay,
    Duration staleLockTime,
    boolean strictOwnership,
    String hostname) {

  VirtualSettings {
    mailboxMaps = List.copyOf(mailboxMaps);
    uidMaps = List.copyOf(uidMaps);
    gidMaps = List.copyOf(gidMaps);
    lockStyles = lockStyles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(lockStyles));
  }

  /** Mailbox locking methods, with Postfix's names. */
  enum LockStyle {
    FCNTL("fcntl"),
    FLOCK("flock"),
    DOTLOCK("dotlock");

    private final String spelling;

    LockStyle(String spelling) {
      this.spelling = spelling;
    }

    static LockStyle of(String name) {
      return Spellings.find(values(), s -> s.spelling, name).orElseThrow(
          () -> new IllegalArgumentException(
              "parameter virtual_mailbox_lock: unknown locking method: " + name));
    }
  }

  static VirtualSettings from(MainConfig config) {
    Set<LockStyle> locks = EnumSet.noneOf(LockStyle.class);
    config.getList("virtual_mailbox_lock").forEach(n -> locks.add(LockStyle.of(n)));
    return new VirtualSettings(
        orDefault(config.get("service_name"), "virtual"),
        config.get("virtual_mailbox_base"),
        config.getList("virtual_mailbox_maps"),
        config.getList("virtual_uid_maps"),
        config.getList("virtual_gid_maps"),
        mailboxLimit(config),
        config.getInt("virtual_minimum_uid"),
        config.get("recipient_delimiter"),
        locks,
        Integer.parseInt(orDefault(config.get("deliver_lock_attempts"), "20").strip()),
        time(config, "deliver_lock_delay", Duration.ofSeconds(1)),
        time(config, "stale_lock_time", Duration.ofSeconds(500)),
        !config.get("strict_mailbox_ownership").strip().equalsIgnoreCase("no"),
        orDefault(config.get("myhostname"), "localhost"));
  }

  /**
   * virtual_mailbox_limit, when it is not below message_size_limit; an IllegalArgumentException
   * with Postfix's "configuration error: ..." text otherwise (virtual(8) does not start).
   */
  static FileSizeLimit mailboxLimit(MainConfig config) {
    return FileSizeLimit.check("virtual_mailbox_limit", config.getSize("virtual_mailbox_limit"),
        config.getSize("message_size_limit"));
  }

  private static String orDefault(String value, String fallback) {
    return value.isBlank() ? fallback : value;
  }

  /** A time parameter that the registry may not know yet; its Postfix default otherwise. */
  private static Duration time(MainConfig config, String name, Duration fallback) {
    return config.get(name).isBlank() ? fallback : config.getTime(name);
  }
}
