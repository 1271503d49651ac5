package org.postern.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.table.AccessKeys;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * {@code requiretls_request_maps} (a Postern parameter): REQUIRETLS requested by policy for mail
 * whose sender did not ask for it (RFC 8689 leaves open how; Postfix 3.11 has no way). The tables
 * are asked in this order, each key of every table before the next key, and the first answer
 * decides:
 *
 * <ol>
 *   <li>the SASL login name of the submitting client;
 *   <li>the sender address, with the keys of {@code check_sender_access} ({@code user+ext@domain},
 *       {@code user@domain}, {@code domain} and its parent domains, {@code user+ext@}, {@code
 *       user@}; the null sender is not looked up);
 *   <li>each recipient's domain and its parent domains; the REQUIRETLS flag belongs to the whole
 *       message (RFC 8689), so a {@code yes} for any recipient marks it, and only when no
 *       recipient's domain answers {@code yes} does a {@code no} decide;
 *   <li>the client address and its networks, as {@code check_client_access} looks them up.
 * </ol>
 *
 * <p>An answer is {@code yes} (request REQUIRETLS) or {@code no} (this message is not requested by
 * policy; the search stops), case-insensitive. As with access(5), parent-domain and network keys
 * are asked only of fixed-string tables; pattern tables see the full address or name.
 * Parent domains are written as {@code parent_domain_matches_subdomains} says for {@code
 * smtpd_access_maps}.
 *
 * <p>The tables are never asked about a message whose sender asked for REQUIRETLS: nothing in a
 * table can take a sender's request away.
 *
 * <p>Failure: a table that cannot answer, or an answer other than {@code yes} or {@code no}, throws
 * {@link TableException}; cleanup then refuses the message with a temporary error rather than
 * accept it with less protection than the operator asked for.
 */
final class RequireTlsRequest {
  /** The table and key that decided, and whether they asked for REQUIRETLS. */
  record Decision(boolean request, String table, String key) {}

  /** What the tables are asked about; empty strings are facts not known. */
  record Message(String saslUsername, String sender, List<String> recipients, String clientAddress) {
    Message {
      recipients = List.copyOf(recipients);
    }
  }

  private final List<LookupTable> tables;
  private final String myorigin;
  private final String recipientDelimiter;
  private final boolean parentMatchesSubdomains;

  RequireTlsRequest(List<LookupTable> tables, String myorigin, String recipientDelimiter,
      boolean parentMatchesSubdomains) {
    this.tables = List.copyOf(tables);
    this.myorigin = myorigin;
    this.recipientDelimiter = recipientDelimiter;
    this.parentMatchesSubdomains = parentMatchesSubdomains;
  }

  boolean isEmpty() {
    return tables.isEmpty();
  }

  /** The decision for {@code m}, or empty when no table answers. */
  Optional<Decision> decide(Message m) throws TableException {
    Optional<Decision> d = Optional.empty();
    if (!m.saslUsername().isEmpty()) {
      d = find(List.of(new AccessKeys.Key(m.saslUsername(), false)));
    }
    if (d.isEmpty() && !m.sender().isEmpty()) {
      d = find(AccessKeys.mail(m.sender().toLowerCase(Locale.ROOT), myorigin, recipientDelimiter,
          parentMatchesSubdomains));
    }
    if (d.isEmpty()) {
      d = recipients(m.recipients());
    }
    if (d.isEmpty() && !m.clientAddress().isEmpty()) {
      d = find(AccessKeys.address(m.clientAddress()));
    }
    return d;
  }

  /** A {@code yes} for any recipient domain, else the first {@code no}. */
  private Optional<Decision> recipients(List<String> recipients) throws TableException {
    Optional<Decision> first = Optional.empty();
    for (String domain : domains(recipients)) {
      Optional<Decision> d = find(AccessKeys.domain(domain, parentMatchesSubdomains));
      if (d.isPresent() && d.get().request()) {
        return d;
      }
      first = first.or(() -> d);
    }
    return first;
  }

  /** The recipients' domains, each once, in envelope order; a bare user is in {@code myorigin}. */
  private List<String> domains(List<String> recipients) {
    List<String> out = new ArrayList<>();
    for (String r : recipients) {
      int at = r.lastIndexOf('@');
      String domain = (at < 0 ? myorigin : r.substring(at + 1)).toLowerCase(Locale.ROOT);
      if (!domain.isEmpty() && !out.contains(domain)) {
        out.add(domain);
      }
    }
    return out;
  }

  private Optional<Decision> find(List<AccessKeys.Key> keys) throws TableException {
    for (AccessKeys.Key key : keys) {
      for (LookupTable t : tables) {
        if (key.partial() && t.matchStyle() != LookupTable.MatchStyle.FIXED) {
          continue;
        }
        Optional<String> value = t.find(key.text());
        if (value.isPresent()) {
          return Optional.of(new Decision(answer(t, key.text(), value.get()), t.spec(), key.text()));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean answer(LookupTable t, String key, String value) throws TableException {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new TableException(t.spec() + ": key " + key + ": bad value \"" + value
          + "\": expected yes or no");
    };
  }
}
