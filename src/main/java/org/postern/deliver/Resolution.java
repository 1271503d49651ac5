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
