package org.postern.cleanup;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postern.queue.CleanupStatus;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * header_checks and body_checks for one message: looks each header and body line up, acts as
 * header_checks(5) says, logs each action, and remembers what the message as a whole must become
 * (rejected, discarded, held, filtered, redirected). After REJECT, DISCARD or REDIRECT no further
 * line is inspected, as in Postfix.
 *
 * <p>Failure: a table that cannot answer is logged as {@code ID: header_checks map lookup
 * problem -- message not accepted, try again later} and makes the message fail with a temporary
 * error; it never counts as "no match".
 */
final class ContentChecks {
  static final String HEADER = "header";
  static final String BODY = "body";
  private static final Pattern DSN = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}(\\s.*)?");

  /** What to do with the inspected line. */
  sealed interface Effect {}

  /** Keep the line as it is. */
  record Keep() implements Effect {}

  /** Delete the line. */
  record Drop() implements Effect {}

  /** Use this text instead of the line. */
  record Replace(String text) implements Effect {}

  /** Output this text, then the line. */
  record Prepend(String text) implements Effect {}

  private static final Effect KEEP = new Keep();

  private final List<LookupTable> headerChecks;
  private final List<LookupTable> bodyChecks;
  private final ActionLogger logger;
  private final CleanupErrors errors;
  private boolean enabled;
  private boolean discard;
  private boolean hold;
  private String filter;
  private String redirect;

  ContentChecks(List<LookupTable> headerChecks, List<LookupTable> bodyChecks, boolean enabled,
      ActionLogger logger, CleanupErrors errors) {
    this.headerChecks = headerChecks;
    this.bodyChecks = bodyChecks;
    this.enabled = enabled;
    this.logger = logger;
    this.errors = errors;
  }

  Effect header(String text) {
    return inspect(headerChecks, "header_checks", HEADER, text);
  }

  Effect body(String text) {
    return inspect(bodyChecks, "body_checks", BODY, text);
  }

  boolean bodyChecksWanted() {
    return enabled && !bodyChecks.isEmpty();
  }

  boolean discard() {
    return discard;
  }

  boolean hold() {
    return hold;
  }

  Optional<String> filter() {
    return Optional.ofNullable(filter);
  }

  Optional<String> redirect() {
    return Optional.ofNullable(redirect);
  }

  private Effect inspect(List<LookupTable> tables, String mapName, String context, String text) {
    if (!enabled || tables.isEmpty()) {
      return KEEP;
    }
    Optional<String> value;
    try {
      value = find(tables, text);
    } catch (TableException e) {
      logger.warning(logger.queueId() + ": " + mapName
          + " map lookup problem -- message not accepted, try again later");
      errors.add(CleanupStatus.WRITE);
      return KEEP;
    }
    return value.isEmpty()
        ? KEEP
        : act(CheckAction.parse(value.get(), mapName, context.equals(HEADER)), context, text);
  }

  private static Optional<String> find(List<LookupTable> tables, String key)
      throws TableException {
    for (LookupTable t : tables) {
      Optional<String> v = t.find(key);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  private Effect act(CheckAction action, String context, String text) {
    return switch (action) {
      case CheckAction.Reject r -> reject(r.text(), context, text);
      case CheckAction.Warn w -> logged("warning", context, text, w.text(), KEEP);
      case CheckAction.Info i -> logged("info", context, text, i.text(), KEEP);
      case CheckAction.Hold h -> {
        if (!hold && !discard) {
          hold = true;
          logger.action("hold", context, text, h.text());
        }
        yield KEEP;
      }
      case CheckAction.Discard d -> {
        discard = true;
        enabled = false;
        yield logged("discard", context, text, d.text(), KEEP);
      }
      case CheckAction.Filter f -> {
        filter = f.nexthop();
        yield logged("filter", context, text, f.nexthop(), KEEP);
      }
      case CheckAction.Redirect r -> {
        redirect = r.address();
        enabled = false;
        yield logged("redirect", context, text, r.address(), KEEP);
      }
      case CheckAction.Prepend p -> logged("prepend", context, text, p.text(), new Prepend(p.text()));
      case CheckAction.Replace r -> logged("replace", context, text, r.text(), new Replace(r.text()));
      case CheckAction.Ignore i -> new Drop();
      case CheckAction.Dunno d -> KEEP;
      case CheckAction.Invalid bad -> {
        logger.warning(bad.warning());
        yield KEEP;
      }
    };
  }

  private Effect reject(String optional, String context, String text) {
    String reason = optional.isEmpty()
        ? CleanupStatus.CONT.dsn() + " " + CleanupStatus.CONT.text()
        : dsnPrepend(CleanupStatus.CONT.dsn(), optional);
    if (reason.charAt(0) != '4' && reason.charAt(0) != '5') {
      logger.warning("bad DSN action in " + optional + " -- need 4.x.x or 5.x.x");
      reason = "4" + reason.substring(1);
    }
    errors.reject(reason);
    enabled = false;
    logger.action("reject", context, text, reason);
    return KEEP;
  }

  private Effect logged(String action, String context, String text, String optional, Effect e) {
    logger.action(action, context, text, optional);
    return e;
  }

  /** Postfix's dsn_prepend: keep a leading x.y.z status, else put {@code dsn} in front. */
  static String dsnPrepend(String dsn, String text) {
    return DSN.matcher(text).matches() ? text : dsn + " " + text;
  }
}
