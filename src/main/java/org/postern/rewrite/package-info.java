/**
 * trivial-rewrite(8): the resolve service, which tells the queue manager where a recipient goes.
 *
 * <p>An address is first put in canonical form as the local rewriting context does it (a
 * domain-less address gets {@code @$myorigin}, {@code user@host} gets {@code .$mydomain} when
 * {@code append_dot_mydomain = yes}, a trailing dot and a source route are dropped, {@code
 * host!user} and {@code user%host} become {@code user@host}). Then, as long as the domain is
 * local, it is stripped and routing operators left in the local part ({@code @}, {@code %} with
 * {@code allow_percent_hack}, {@code !} with {@code swap_bangpath}, also inside a quoted local
 * part with {@code resolve_dequoted_address}) are resolved again: {@code user%remote@local}
 * goes to {@code remote}, while {@code user%remote@elsewhere} stays for {@code elsewhere} to
 * decide.
 *
 * <p>The domain then decides the address class (ADDRESS_CLASS_README): local ({@code
 * mydestination}, or an address literal of {@code inet_interfaces}/{@code proxy_interfaces}),
 * virtual alias ({@code virtual_alias_domains}: an address that reaches the resolver there was
 * not aliased, and bounces with 5.1.1), virtual mailbox ({@code virtual_mailbox_domains}), relay
 * ({@code relay_domains}), or default. Each class names a transport ({@code local_transport},
 * {@code virtual_transport}, {@code relay_transport}, {@code default_transport}); a {@code
 * transport:nexthop} value fixes the next hop, else off-host classes use {@code relayhost} or the
 * domain. {@code transport_maps} (transport(5)) overrides both, looked up by full address,
 * address without extension, domain, parent domains and the {@code *} wild card.
 *
 * <p>Failure: a lookup table that cannot answer ({@code mydestination}, a domain list, {@code
 * transport_maps}) is a {@link org.postern.deliver.ResolveException}, never "not found"; the
 * queue manager defers the recipient. An address that does not end in a valid domain name or
 * address literal resolves to {@code error:5.1.3 bad address syntax}, as the queue manager in
 * Postfix turns the resolver's error flag into a bounce.
 */
package org.postern.rewrite;
