package org.postern.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.table.AddressLookup;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

/**
 * {@code smtp_sasl_password_maps}: the credentials for one server, looked up as Postfix's smtp(8)
 * does. With {@code smtp_sender_dependent_authentication} the sender address is asked first (the
 * full address, then without its extension, then {@code @domain}); then the server's host name
 * (the MX host, or the host of a {@code [host]} next hop; {@code $myhostname} for an LMTP socket),
 * then the next hop as written ({@code [mail.isp.example]:587}, {@code example.com}; for LMTP
 * without its {@code unix:} or {@code inet:} prefix). The null sender is never a key. No entry means
 * the client does not authenticate.
 *
 * <p>Failure: a table that cannot answer is a {@link TableException}; the caller defers, never
 * goes on as if there were no entry.
 */
final class SaslPasswords implements AutoCloseable {
  private final List<LookupTable> tables;
  private final SaslSettings settings;
  private final Protocol protocol;

  private SaslPasswords(List<LookupTable> tables, SaslSettings settings, Protocol protocol) {
    this.tables = List.copyOf(tables);
    this.settings = settings;
    this.protocol = protocol;
  }

  /** Opens the tables when SASL is on; without it there are none to ask. */
  static SaslPasswords open(SaslSettings settings, Protocol protocol, TableOpener opener)
      throws TableException {
    List<LookupTable> tables = new ArrayList<>();
    if (settings.enable()) {
      for (String spec : settings.passwordMaps()) {
        tables.add(opener.open(spec));
      }
    }
    return new SaslPasswords(tables, settings, protocol);
  }

  /** The credentials for {@code host} of {@code nexthop}, for mail from {@code sender}. */
  Optional<SaslCredentials> find(String sender, String host, String nexthop)
      throws TableException {
    if (tables.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> value = Optional.empty();
    if (settings.senderDependent() && !sender.isEmpty()) {
      value = new AddressLookup(tables)
          .find(sender.toLowerCase(Locale.ROOT), settings.recipientDelimiter(), false);
    }
    if (value.isEmpty()) {
      value = first(host);
    }
    if (value.isEmpty()) {
      value = first(nexthopKey(nexthop));
    }
    return value.map(v -> SaslCredentials.parse(v, settings.resultDelimiter()));
  }

  /** LMTP's {@code unix:/path} and {@code inet:host:port} are asked without the prefix. */
  private String nexthopKey(String nexthop) {
    if (protocol == Protocol.LMTP && (nexthop.startsWith("unix:") || nexthop.startsWith("inet:"))) {
      return nexthop.substring(5);
    }
    return nexthop;
  }

  private Optional<String> first(String key) throws TableException {
    for (LookupTable t : tables) {
      Optional<String> v = t.find(key);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** {@code smtp_sasl_password_maps}, as Postfix names the tables in its warnings. */
  String title() {
    return protocol.parameter("sasl_password_maps");
  }

  @Override
  public void close() {
    tables.forEach(LookupTable::close);
  }
}
