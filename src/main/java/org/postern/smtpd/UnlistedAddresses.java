package org.postern.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.postern.config.MainConfig;
import org.postern.deliver.Resolution;
import org.postern.deliver.Resolution.AddressClass;
import org.postern.table.AddressLookup;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * {@code reject_unlisted_recipient} and {@code reject_unlisted_sender}, Postfix's {@code
 * check_rcpt_maps()}: an address in a domain this server is final or relay destination for must
 * be a known user of that domain's address class (ADDRESS_CLASS_README).
 *
 * <ul>
 *   <li>An address that {@code recipient_canonical_maps}, {@code canonical_maps} or {@code
 *       virtual_alias_maps} (for a sender also {@code sender_canonical_maps}) rewrites is known.
 *   <li>An address the resolver sends to the {@code error} transport is refused with the
 *       resolver's text: an unknown user of a virtual alias domain gets {@code 550 5.1.1 <u@dom>:
 *       Recipient address rejected: User unknown in virtual alias table} ({@code
 *       unknown_virtual_alias_reject_code}); a {@code retry} transport is a 450.
 *   <li>local class: {@code local_recipient_maps} (empty: no check); {@code postmaster}, {@code
 *       MAILER-DAEMON} and {@code $double_bounce_sender} are always known.
 *   <li>virtual mailbox class: {@code virtual_mailbox_maps}.
 *   <li>relay class: {@code relay_recipient_maps} (empty: no check).
 * </ul>
 *
 * <p>Tables are asked as {@link AddressLookup} asks them, with the resolved recipient. With
 * {@code receive_override_options = no_unknown_recipient_checks} nothing is checked.
 *
 * <p>Failure: a table that cannot answer is a {@link TableException}, which the caller turns into
 * {@code 451 4.3.0 <address>: Temporary lookup failure}.
 */
final class UnlistedAddresses {
  /** A refusal before {@link SmtpdCheck#reject} formats it: code, status, text. */
  record Refusal(int code, String dsn, String text) {}

  /** The reply codes of the four tables and whether the text names the table. */
  private record Codes(int local, int virtualAlias, int virtualMailbox, int relay, boolean showTable) {}

  private static final String ERROR_TRANSPORT = "error";
  private static final String RETRY_TRANSPORT = "retry";

  private final boolean disabled;
  private final AddressLookup localRecipientMaps;
  private final AddressLookup virtualAliasMaps;
  private final AddressLookup virtualMailboxMaps;
  private final AddressLookup relayRecipientMaps;
  private final List<AddressLookup> recipientRewrites;
  private final List<AddressLookup> senderRewrites;
  private final Codes codes;
  private final String delimiters;
  private final String myorigin;
  private final List<String> alwaysKnown;

  private UnlistedAddresses(MainConfig c, Function<String, LookupTable> opener) {
    this.disabled = c.getList("receive_override_options").stream()
        .anyMatch(o -> o.equalsIgnoreCase("no_unknown_recipient_checks"));
    this.localRecipientMaps = open(c.getList("local_recipient_maps"), opener);
    this.virtualAliasMaps = open(c.getList("virtual_alias_maps"), opener);
    this.virtualMailboxMaps = open(c.getList("virtual_mailbox_maps"), opener);
    this.relayRecipientMaps = open(c.getList("relay_recipient_maps"), opener);
    AddressLookup canonical = open(c.getList("canonical_maps"), opener);
    AddressLookup recipientCanonical = open(c.getList("recipient_canonical_maps"), opener);
    this.recipientRewrites = List.of(recipientCanonical, canonical, virtualAliasMaps);
    this.senderRewrites = List.of(recipientCanonical, open(c.getList("sender_canonical_maps"), opener),
        canonical, virtualAliasMaps);
    this.codes = new Codes(
        c.getInt("unknown_local_recipient_reject_code"),
        c.getInt("unknown_virtual_alias_reject_code"),
        c.getInt("unknown_virtual_mailbox_reject_code"),
        c.getInt("unknown_relay_recipient_reject_code"),
        c.getBoolean("show_user_unknown_table_name"));
    this.delimiters = c.get("recipient_delimiter");
    this.myorigin = c.get("myorigin").strip().toLowerCase(Locale.ROOT);
    this.alwaysKnown = List.of(c.get("double_bounce_sender").strip().toLowerCase(Locale.ROOT),
        "postmaster", "mailer-daemon");
  }

  /** Reads the tables and codes from {@code c}, opening each table through {@code opener}. */
  static UnlistedAddresses fromConfig(MainConfig c, Function<String, LookupTable> opener) {
    return new UnlistedAddresses(c, opener);
  }

  private static AddressLookup open(List<String> specs, Function<String, LookupTable> opener) {
    List<LookupTable> tables = new ArrayList<>();
    for (String spec : specs) {
      tables.add(opener.apply(spec));
    }
    return new AddressLookup(tables);
  }

  /**
   * Why {@code address}, which resolved to {@code r}, is refused as a {@code replyClass} ({@link
   * SmtpdCheck#SENDER} or {@link SmtpdCheck#RECIPIENT}), or empty when it is known or not
   * checked.
   */
  Optional<Refusal> check(Resolution r, String address, String replyClass) throws TableException {
    if (disabled) {
      return Optional.empty();
    }
    boolean sender = replyClass.equals(SmtpdCheck.SENDER);
    for (AddressLookup rewrite : sender ? senderRewrites : recipientRewrites) {
      if (listed(rewrite, r)) {
        return Optional.empty();
      }
    }
    String prefix = "<" + address + ">: " + replyClass + " rejected: ";
    if (r.transport().equals(ERROR_TRANSPORT) || r.transport().equals(RETRY_TRANSPORT)) {
      boolean error = r.transport().equals(ERROR_TRANSPORT);
      AccessResult.Dsn d = AccessResult.Dsn.split(
          (error ? "5" : "4") + (sender ? ".1.0" : ".1.1"), r.nexthop());
      int code = !error ? 450 : r.addressClass() == AddressClass.VIRTUAL_ALIAS ? codes.virtualAlias() : 550;
      return Optional.of(new Refusal(code, DsnFix.fix(d.status(), replyClass), prefix + d.text()));
    }
    String dsn = sender ? "5.1.0" : "5.1.1";
    return switch (r.addressClass()) {
      case LOCAL -> localMapsKnow(r)
          ? Optional.empty()
          : refuse(codes.local(), dsn, prefix, " in local recipient table");
      case VIRTUAL_MAILBOX -> virtualMailboxMaps.isEmpty() || listed(virtualMailboxMaps, r)
          ? Optional.empty()
          : refuse(codes.virtualMailbox(), dsn, prefix, " in virtual mailbox table");
      case RELAY -> relayRecipientMaps.isEmpty() || listed(relayRecipientMaps, r)
          ? Optional.empty()
          : refuse(codes.relay(), dsn, prefix, " in relay recipient table");
      case VIRTUAL_ALIAS, DEFAULT -> Optional.empty();
    };
  }

  private boolean localMapsKnow(Resolution r) throws TableException {
    if (localRecipientMaps.isEmpty()) {
      return true;
    }
    String recipient = r.recipient();
    for (String name : alwaysKnown) {
      if (recipient.startsWith(name + "@")) {
        return true;
      }
    }
    return listed(localRecipientMaps, r);
  }

  private Optional<Refusal> refuse(int code, String dsn, String prefix, String table) {
    return Optional.of(new Refusal(code, dsn, prefix + "User unknown" + (codes.showTable() ? table : "")));
  }

  private boolean listed(AddressLookup maps, Resolution r) throws TableException {
    boolean localDomain = r.addressClass() == AddressClass.LOCAL || r.domain().equals(myorigin);
    return maps.find(r.recipient(), delimiters, localDomain).isPresent();
  }
}
