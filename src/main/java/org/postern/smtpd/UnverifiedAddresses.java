package org.postern.smtpd;

import java.time.Duration;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.deliver.VerifyClient;
import org.postern.deliver.VerifyClient.Answer;
import org.postern.deliver.VerifyClient.VerifyException;

/**
 * {@code reject_unverified_recipient} and {@code reject_unverified_sender}, Postfix's {@code
 * reject_unverified_address()}: asks the verify service (ADDRESS_VERIFICATION_README) whether the
 * address is deliverable, polling {@code address_verify_poll_count} times {@code
 * address_verify_poll_delay} apart while a probe is in flight.
 *
 * <ul>
 *   <li>deliverable: no decision (the next restriction decides).
 *   <li>in progress or deferred: {@code unverified_*_defer_code} (450), {@code 4.1.1} (a sender
 *       {@code 4.1.7}), "{@code <u@dom>: Recipient address rejected: unverified address:
 *       Address verification in progress}".
 *   <li>refused downstream: {@code unverified_*_reject_code} (450 by default; a 4XX gives the
 *       "unverified address" form, a 5XX "{@code undeliverable address: host ... said: 550 ...}"),
 *       with the delivery agent's text or {@code unverified_*_reject_reason}.
 *   <li>4XX replies follow {@code unverified_*_tempfail_action}: {@code defer_if_permit} (the
 *       default, via {@code $reject_tempfail_action}) or {@code defer}.
 * </ul>
 *
 * <p>Failure: a verify service that does not answer is a warning ({@code verify service
 * failure}) and {@code 450 4.1.1 <u@dom>: Recipient address rejected: address verification
 * problem}, under the same tempfail action. A bad tempfail action is a {@link ConfigException} at
 * start.
 */
final class UnverifiedAddresses {
  /** The settings of one address kind. */
  private record Codes(int defer, int reject, boolean deferIfPermit, String reason) {}

  private final VerifyClient verify;
  private final String serviceName;
  private final int pollCount;
  private final Duration pollDelay;
  private final Codes recipient;
  private final Codes sender;

  private UnverifiedAddresses(VerifyClient verify, String serviceName, int pollCount,
      Duration pollDelay, Codes recipient, Codes sender) {
    this.verify = verify;
    this.serviceName = serviceName;
    this.pollCount = pollCount;
    this.pollDelay = pollDelay;
    this.recipient = recipient;
    this.sender = sender;
  }

  static UnverifiedAddresses fromConfig(MainConfig c, VerifyClient verify) throws ConfigException {
    return new UnverifiedAddresses(verify, c.get("address_verify_service_name"),
        c.getInt("address_verify_poll_count"), c.getTime("address_verify_poll_delay"),
        new Codes(c.getInt("unverified_recipient_defer_code"),
            c.getInt("unverified_recipient_reject_code"),
            deferIfPermit(c, "unverified_recipient_tempfail_action",
                c.get("unverified_recipient_tempfail_action")),
            c.get("unverified_recipient_reject_reason").strip()),
        new Codes(c.getInt("unverified_sender_defer_code"),
            c.getInt("unverified_sender_reject_code"),
            deferIfPermit(c, "unverified_sender_tempfail_action",
                c.get("unverified_sender_tempfail_action")),
            c.get("unverified_sender_reject_reason").strip()));
  }

  /** Postfix's tempfail_actions: {@code defer_if_permit} (true) or {@code defer} (false). */
  private static boolean deferIfPermit(MainConfig c, String name, String value)
      throws ConfigException {
    return switch (value.strip()) {
      case "defer_if_permit" -> true;
      case "defer" -> false;
      default -> throw new ConfigException(c.configDirectory().resolve("main.cf"), 0, name,
          "bad configuration: " + name + " = " + value.strip());
    };
  }

  /** The verdict on {@code address}, a {@link SmtpdCheck#SENDER} or {@link SmtpdCheck#RECIPIENT}. */
  SmtpdCheck.Status check(SmtpdCheck check, CheckState state, String address, String replyClass) {
    boolean isSender = replyClass.equals(SmtpdCheck.SENDER);
    Codes codes = isSender ? sender : recipient;
    String dsn = isSender ? "4.1.7" : "4.1.1";
    String prefix = "<" + address + ">: " + replyClass + " rejected: ";
    Answer answer;
    try {
      answer = poll(address);
    } catch (VerifyException e) {
      state.warning(serviceName + " service failure");
      return tempfail(check, state, codes, 450, dsn, prefix + "address verification problem");
    }
    int code = switch (answer.status()) {
      case OK -> 0;
      case TODO, DEFER -> codes.defer();
      case BOUNCE -> codes.reject();
    };
    String why = code >= 400 && !codes.reason().isEmpty() ? codes.reason() : answer.text();
    return switch (code / 100) {
      case 0, 2 -> SmtpdCheck.Status.DUNNO;
      case 4 -> tempfail(check, state, codes, code, dsn,
          prefix + "unverified address: " + (why.length() > 250 ? why.substring(0, 250) : why));
      default -> check.reject(code, dsn, prefix + "undeliverable address: " + why);
    };
  }

  /** Asks until the answer is no longer "in progress", at most {@code address_verify_poll_count} times. */
  private Answer poll(String address) throws VerifyException {
    for (int count = 1; ; count++) {
      Answer a = verify.query(address);
      if (a.status() != VerifyClient.AddressStatus.TODO || count >= pollCount) {
        return a;
      }
      try {
        Thread.sleep(pollDelay);
      } catch (InterruptedException e) {
        // The server is stopping: answer with what is known, and let the session end.
        Thread.currentThread().interrupt();
        return a;
      }
    }
  }

  /** Postfix's DEFER_IF_PERMIT: a 4XX reply is remembered unless the action is plain defer. */
  private static SmtpdCheck.Status tempfail(SmtpdCheck check, CheckState state, Codes codes,
      int code, String dsn, String text) {
    if (codes.deferIfPermit() && state.warnIfReject == 0) {
      return check.deferIf(state.deferIfPermit, code, dsn, text);
    }
    return check.reject(code, dsn, text);
  }
}
