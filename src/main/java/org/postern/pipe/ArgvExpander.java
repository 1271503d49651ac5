package org.postern.pipe;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postern.deliver.MailCopy;
import org.postern.queue.Recipient;
import org.postern.util.MacroExpansion;

/**
 * Expands the macros of a pipe command line with the shared {@link MacroExpansion}: {@code $name},
 * {@code ${name}}, {@code $(name)}, and {@code $$} for a dollar sign. As in Postfix's pipe(8),
 * every reference must be one of pipe's names exactly (no conditionals). An argument that names a
 * recipient macro ({@code recipient}, {@code original_recipient}, {@code user}, {@code
 * extension}, {@code mailbox}, {@code domain}) becomes one argument per recipient, as
 * sendmail-style programs expect; one whose {@code ${user}} is empty ({@code +list@domain}) is
 * left out for that recipient. Other arguments are expanded once. Expansion is not recursive: an
 * address with a {@code $} in it stays as it is.
 *
 * <p>Failure: an unknown macro name, or a malformed reference (no closing bracket, a {@code $}
 * without a name), is an IllegalArgumentException naming it; {@link #check} finds them all at
 * start-up.
 */
final class ArgvExpander {
  private static final Set<String> PER_MESSAGE = Set.of("nexthop", "sender", "size", "queue_id",
      "client_address", "client_helo", "client_hostname", "client_port", "client_protocol",
      "sasl_method", "sasl_username", "sasl_sender");
  private static final Set<String> PER_RECIPIENT =
      Set.of("recipient", "original_recipient", "user", "extension", "mailbox", "domain");

  private final Set<PipeFlag> flags;
  private final String delimiters;

  ArgvExpander(Set<PipeFlag> flags, String recipientDelimiter) {
    this.flags = flags.isEmpty() ? Set.of() : EnumSet.copyOf(flags);
    this.delimiters = recipientDelimiter;
  }

  /** Checks every macro name in {@code argv}, so a typo stops the service at start-up. */
  static void check(List<String> argv) {
    for (String arg : argv) {
      for (String name : MacroExpansion.references(arg)) {
        if (!PER_MESSAGE.contains(name) && !PER_RECIPIENT.contains(name)) {
          throw new IllegalArgumentException("unknown macro name: \"" + name + "\"");
        }
      }
    }
  }

  /** The command line for {@code recipients}, with the per-message values in {@code message}. */
  List<String> expand(List<String> argv, Map<String, String> message, List<Recipient> recipients) {
    List<String> out = new ArrayList<>();
    for (String arg : argv) {
      List<String> names = MacroExpansion.references(arg);
      if (names.stream().noneMatch(PER_RECIPIENT::contains)) {
        out.add(substitute(arg, name -> message.getOrDefault(name, "")));
        continue;
      }
      for (Recipient r : recipients) {
        Map<String, String> values = recipientValues(r);
        if (names.contains("user") && values.get("user").isEmpty()) {
          continue;
        }
        out.add(substitute(arg, name -> values.getOrDefault(name, message.getOrDefault(name, ""))));
      }
    }
    return out;
  }

  /** The per-message value of {@code ${nexthop}} and {@code ${sender}} under flags h and q. */
  String nexthop(String nexthop) {
    return flags.contains(PipeFlag.FOLD_HOST) ? nexthop.toLowerCase(Locale.ROOT) : nexthop;
  }

  String sender(String sender) {
    return !sender.isEmpty() && flags.contains(PipeFlag.QUOTE_LOCAL)
        ? MailCopy.quoteLocalPart(sender) : sender;
  }

  private Map<String, String> recipientValues(Recipient r) {
    String folded = fold(r.address());
    int at = folded.lastIndexOf('@');
    String mailbox = at < 0 ? folded : folded.substring(0, at);
    String domain = at < 0 ? "" : folded.substring(at + 1);
    int ext = extensionStart(mailbox);
    return Map.of(
        "recipient", morph(r.address()),
        "original_recipient", morph(r.originalRecipient().orElse("")),
        "mailbox", mailbox,
        "domain", domain,
        "user", ext < 0 ? mailbox : mailbox.substring(0, ext),
        "extension", ext < 0 ? "" : mailbox.substring(ext + 1));
  }

  /** Quotes (q) then folds (u, h) an address, as Postfix's morph_recipient(). */
  private String morph(String address) {
    return fold(flags.contains(PipeFlag.QUOTE_LOCAL) ? MailCopy.quoteLocalPart(address) : address);
  }

  private String fold(String address) {
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    String domain = at < 0 ? "" : address.substring(at);
    if (flags.contains(PipeFlag.FOLD_USER)) {
      local = local.toLowerCase(Locale.ROOT);
    }
    if (flags.contains(PipeFlag.FOLD_HOST)) {
      domain = domain.toLowerCase(Locale.ROOT);
    }
    return local + domain;
  }

  private int extensionStart(String local) {
    if (delimiters.isEmpty()) {
      return -1;
    }
    for (int i = 0; i < local.length(); i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String substitute(String arg, MacroExpansion.Lookup value) {
    return MacroExpansion.expand(arg, value, MacroExpansion.Flags.NONE).value();
  }
}
