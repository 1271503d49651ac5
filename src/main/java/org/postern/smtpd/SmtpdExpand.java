package org.postern.smtpd;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The attributes of a session that reply templates may name (Postfix's {@code
 * smtpd_expand_lookup()}): {@code server_name}, {@code client} (name[address]), {@code
 * client_name}, {@code reverse_client_name}, {@code client_address}, {@code client_port}, {@code
 * helo_name}, {@code sender} and {@code recipient} (the transaction's first accepted recipient),
 * each with {@code _name} (local part) and {@code _domain} variants, and {@code localtime}. The
 * null sender reads as {@code <>}; a name not listed here is unknown (null).
 *
 * @param sender the envelope sender once MAIL FROM was given, else null
 * @param recipient the first accepted recipient of the transaction, else null
 */
record SmtpdExpand(
    String serverName,
    String namaddr,
    String clientName,
    String reverseClientName,
    String clientAddress,
    int clientPort,
    String helo,
    String sender,
    String recipient,
    ZonedDateTime now) {
  private static final DateTimeFormatter LOCALTIME =
      DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT);

  /** The value of macro {@code name}, or null when smtpd knows no such attribute. */
  String lookup(String name) {
    return switch (name) {
      case "server_name" -> serverName;
      case "client" -> namaddr;
      case "client_name" -> clientName;
      case "reverse_client_name" -> reverseClientName;
      case "client_address" -> clientAddress;
      case "client_port" -> Integer.toString(clientPort);
      case "helo_name" -> helo == null ? "" : helo;
      case "localtime" -> LOCALTIME.format(now);
      default -> {
        if (name.startsWith("sender")) {
          yield address(sender, name.substring("sender".length()));
        }
        if (name.startsWith("recipient")) {
          yield address(recipient, name.substring("recipient".length()));
        }
        yield null;
      }
    };
  }

  private static String address(String address, String part) {
    if (address == null) {
      return part.isEmpty() || part.equals("_name") || part.equals("_domain") ? "" : null;
    }
    int at = address.lastIndexOf('@');
    return switch (part) {
      case "" -> address.isEmpty() ? "<>" : address;
      case "_name" -> address.isEmpty() ? "<>" : at < 0 ? address : address.substring(0, at);
      case "_domain" -> at < 0 ? "" : address.substring(at + 1);
      default -> null;
    };
  }
}
