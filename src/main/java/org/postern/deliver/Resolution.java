package org.postern.deliver;

import java.util.Objects;

/**
 * Where an address goes, as trivial-rewrite answers: Postfix's {@code RESOLVE_REPLY}.
 *
 * @param addressClass which of Postfix's five address classes the domain is in
 * @param transport the master.cf transport ({@code local}, {@code smtp}, {@code error}...)
 * @param nexthop the next hop in that transport's syntax; for {@code error} the DSN status and
 *     text ({@code 5.1.1 user unknown})
 * @param recipient the address to deliver to (canonical form)
 */
public record Resolution(AddressClass addressClass, String transport, String nexthop, String recipient) {

  public Resolution {
    Objects.requireNonNull(addressClass, "addressClass");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(nexthop, "nexthop");
    Objects.requireNonNull(recipient, "recipient");
  }

  /**
   * Postfix's {@code RESOLVE_FLAG_ROUTED}: the resolved recipient still carries a routing operator
   * ({@code @}, {@code !} or {@code %}) in its local part, so the host named by its domain is not
   * where the mail ends. smtpd never counts such an address as an authorized destination.
   */
  public boolean routed() {
    int at = recipient.lastIndexOf('@');
    int first = at;
    for (char operator : new char[] {'@', '!', '%'}) {
      int i = recipient.indexOf(operator);
      if (i >= 0 && i < first) {
        first = i;
      }
    }
    return first != at;
  }

  /** The domain of the resolved recipient: what follows its last {@code @}. */
  public String domain() {
    return recipient.substring(recipient.lastIndexOf('@') + 1);
  }

  /** Postfix's address classes (ADDRESS_CLASS_README), with the class names postconf uses. */
  public enum AddressClass {
    /** mydestination, inet_interfaces, proxy_interfaces: local_transport. */
    LOCAL("local"),
    /** virtual_alias_domains: mail must have been rewritten by virtual_alias_maps. */
    VIRTUAL_ALIAS("virtual_alias"),
    /** virtual_mailbox_domains: virtual_transport. */
    VIRTUAL_MAILBOX("virtual_mailbox"),
    /** relay_domains: relay_transport. */
    RELAY("relay"),
    /** everything else: default_transport. */
    DEFAULT("default");

    private final String spelling;

    AddressClass(String spelling) {
      this.spelling = spelling;
    }

    public String spelling() {
      return spelling;
    }
  }
}
