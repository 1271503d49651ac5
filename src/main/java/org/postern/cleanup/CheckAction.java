package org.postern.cleanup;

import java.util.Locale;

/**
 * One header_checks or body_checks result, as header_checks(5) spells the actions: the command
 * word (case-insensitive) and the optional text after it.
 */
sealed interface CheckAction {
  /** REJECT [text]: refuse the message; text may start with a 4.x.x or 5.x.x status. */
  record Reject(String text) implements CheckAction {}

  /** WARN [text]: log and carry on. */
  record Warn(String text) implements CheckAction {}

  /** INFO [text]: log and carry on. */
  record Info(String text) implements CheckAction {}

  /** HOLD [text]: queue into hold/. */
  record Hold(String text) implements CheckAction {}

  /** DISCARD [text]: report success, queue nothing. */
  record Discard(String text) implements CheckAction {}

  /** FILTER transport:destination: send through that content filter. */
  record Filter(String nexthop) implements CheckAction {}

  /** REDIRECT user@domain: deliver to that address instead of the recipients. */
  record Redirect(String address) implements CheckAction {}

  /** PREPEND text: insert a line (a header, for header_checks) before this one. */
  record Prepend(String text) implements CheckAction {}

  /** REPLACE text: put this line (a header, for header_checks) in place of this one. */
  record Replace(String text) implements CheckAction {}

  /** IGNORE: delete this line. */
  record Ignore() implements CheckAction {}

  /** DUNNO or OK: no action. */
  record Dunno() implements CheckAction {}

  /** A result that is not an action, or an action with a bad argument: warn, no action. */
  record Invalid(String warning) implements CheckAction {}

  /**
   * Parses a table result. {@code mapName} (header_checks, body_checks) and {@code header}
   * (whether PREPEND/REPLACE text must be a header) shape the warnings Postfix gives.
   */
  static CheckAction parse(String value, String mapName, boolean header) {
    String trimmed = value.strip();
    int space = indexOfSpace(trimmed);
    String command = trimmed.substring(0, space).toUpperCase(Locale.ROOT);
    String text = trimmed.substring(space).strip();
    return switch (command) {
      case "REJECT" -> new Reject(text);
      case "WARN" -> new Warn(text);
      case "INFO" -> new Info(text);
      case "HOLD" -> new Hold(text);
      case "DISCARD" -> new Discard(text);
      case "FILTER" -> filter(text, mapName);
      case "REDIRECT" -> text.indexOf('@') < 0
          ? new Invalid("bad REDIRECT target \"" + text + "\" in " + mapName
              + " map -- need user@domain")
          : new Redirect(text);
      case "PREPEND" -> lineAction(command, text, mapName, header, new Prepend(text));
      case "REPLACE" -> lineAction(command, text, mapName, header, new Replace(text));
      case "IGNORE" -> new Ignore();
      case "DUNNO", "OK" -> new Dunno();
      default -> new Invalid("unknown command in " + mapName + " map: " + value);
    };
  }

  private static CheckAction filter(String text, String mapName) {
    if (text.isEmpty()) {
      return new Invalid("missing FILTER command argument in " + mapName + " map");
    }
    if (text.indexOf(':') < 0) {
      return new Invalid("bad FILTER command " + text + " in " + mapName
          + " -- need transport:destination");
    }
    return new Filter(text);
  }

  private static CheckAction lineAction(
      String command, String text, String mapName, boolean header, CheckAction action) {
    if (text.isEmpty()) {
      return new Invalid(command + " action without text in " + mapName + " map");
    }
    if (header && Header.parse(text) == null) {
      return new Invalid("bad " + command + " header text \"" + text + "\" in " + mapName
          + " map -- need \"headername: headervalue\"");
    }
    return action;
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return s.length();
  }
}
