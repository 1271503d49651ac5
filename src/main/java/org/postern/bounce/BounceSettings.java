package org.postern.bounce;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postern.config.MainConfig;

/**
 * The main.cf parameters bounce(8) reads, frozen when the service starts.
 *
 * @param myhostname names the reporting MTA and signs the From and Message-Id headers
 * @param mailName {@code mail_name}, also the {@code X-...} prefix of Postern's own DSN fields
 * @param bounceSizeLimit {@code bounce_size_limit}: larger originals go back as headers only
 * @param notifyClasses {@code notify_classes}, lower case: bounce, 2bounce, delay, ...
 * @param bounceNoticeRecipient who gets the postmaster copy of a single bounce
 * @param twoBounceNoticeRecipient who gets a double bounce
 * @param delayNoticeRecipient who gets the postmaster copy of a delay warning
 * @param doubleBounceSender the local part of the sender of postmaster notices
 * @param redactDsn {@code requiretls_redact_dsn}
 * @param maximalQueueLifetime for the Will-Retry-Until field of a delay warning
 */
record BounceSettings(
    String myhostname,
    String mailName,
    int bounceSizeLimit,
    Set<String> notifyClasses,
    String bounceNoticeRecipient,
    String twoBounceNoticeRecipient,
    String delayNoticeRecipient,
    String doubleBounceSender,
    boolean redactDsn,
    Duration maximalQueueLifetime) {

  BounceSettings {
    notifyClasses = Set.copyOf(notifyClasses);
  }

  static BounceSettings from(MainConfig config) {
    return new BounceSettings(
        config.get("myhostname"),
        config.get("mail_name"),
        config.getInt("bounce_size_limit"),
        config.getList("notify_classes").stream()
            .map(c -> c.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet()),
        config.get("bounce_notice_recipient"),
        config.get("2bounce_notice_recipient"),
        config.get("delay_notice_recipient"),
        config.get("double_bounce_sender"),
        config.getBoolean("requiretls_redact_dsn"),
        config.getTime("maximal_queue_lifetime"));
  }

  /** Postfix's mail_addr_double_bounce(): the sender of postmaster notices. */
  String doubleBounceAddress() {
    return doubleBounceSender + "@" + myhostname;
  }

  /** {@code notify_classes} names {@code name}. */
  boolean notifies(String name) {
    return notifyClasses.contains(name);
  }

  /**
   * {@code mail_name} made into an RFC 822 atom for {@code X-mail_name} fields and diagnostic
   * types: specials and white space become hyphens.
   */
  String mailNameAtom() {
    StringBuilder atom = new StringBuilder(mailName.length());
    for (char c : mailName.toCharArray()) {
      atom.append(" \t\r\n()<>@,;:\\\".[]".indexOf(c) >= 0 ? '-' : c);
    }
    return atom.toString();
  }
}
