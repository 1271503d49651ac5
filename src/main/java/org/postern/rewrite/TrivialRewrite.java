package org.postern.rewrite;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.config.ConfigException;
import org.postern.config.HostSyntax;
import org.postern.config.InterfaceAddresses;
import org.postern.config.MainConfig;
import org.postern.deliver.AddressResolver;
import org.postern.deliver.Resolution.AddressClass;
import org.postern.deliver.Resolution;
import org.postern.deliver.ResolveException;
import org.postern.rewrite.LocalRouting.Outcome;
import org.postern.rewrite.LocalRouting.Stripped;
import org.postern.rewrite.TransportMaps.Route;
import org.postern.table.AddressLookup;
import org.postern.table.DomainList;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

/**
 * trivial-rewrite's resolve service: the address class, transport, next hop and canonical
 * recipient of an address. Parameters are read from main.cf once and every table is opened
 * once, at construction, then shared by all lookups.
 *
 * <p>Off-host mail (the relay and default classes) goes to the sender's relay host from {@code
 * sender_dependent_relayhost_maps}, else {@code relayhost}, else the recipient domain; the
 * default class's transport is the sender's from {@code sender_dependent_default_transport_maps},
 * else {@code default_transport} ({@link SenderRouting}). A {@code transport:nexthop} value and
 * then {@code transport_maps} override both, as in Postfix. Only {@link #resolve(String, String)}
 * asks the sender tables; qmgr resolves with the sender.
 *
 * <p>The address is first put in canonical form, as cleanup has it rewritten before it is
 * queued, so {@code user} resolves as {@code user@$myorigin}.
 *
 * <p>Thread safety: immutable after construction; as safe as the tables it holds.
 *
 * <p>Failure: a table that cannot answer, or an empty transport name, is a {@link
 * ResolveException} (the recipient is deferred); a bad address is not an exception but {@code
 * error:5.1.3 bad address syntax}.
 */
public final class TrivialRewrite implements AddressResolver, AutoCloseable {
  private static final String ERROR_TRANSPORT = "error";
  private static final String BAD_SYNTAX = "5.1.3 bad address syntax";

  private final RewriteSettings settings;
  private final CanonicalRewrite rewrite;
  private final LocalDestination localDestination;
  private final LocalRouting routing;
  private final Lists lists;
  private final List<LookupTable> tables;

  private record Lists(DomainList virtualAliasDomains, DomainList virtualMailboxDomains,
      DomainList relayDomains, TransportMaps transportMaps, SenderRouting senderRouting) {}

  private TrivialRewrite(RewriteSettings settings, LocalDestination localDestination,
      Lists lists, List<LookupTable> tables) {
    this.settings = settings;
    this.rewrite = new CanonicalRewrite(settings);
    this.localDestination = localDestination;
    this.routing = new LocalRouting(settings, rewrite, localDestination);
    this.lists = lists;
    this.tables = List.copyOf(tables);
  }

  /**
   * Reads the resolver's parameters from {@code config} and opens its tables through {@code
   * opener}, each {@code type:name} once.
   *
   * @throws TableException a table that cannot be opened, naming it
   * @throws ConfigException an {@code inet_interfaces}/{@code proxy_interfaces} host not found
   */
  public static TrivialRewrite create(MainConfig config, TableOpener opener)
      throws TableException, ConfigException {
    RewriteSettings settings = RewriteSettings.from(config);
    Map<String, LookupTable> opened = new LinkedHashMap<>();
    TableOpener once = spec -> {
      LookupTable t = opened.get(spec);
      if (t == null) {
        t = opener.open(spec);
        opened.put(spec, t);
      }
      return t;
    };
    try {
      InterfaceAddresses interfaces = InterfaceAddresses.fromConfig(config);
      DomainList mydestination =
          DomainList.parse("mydestination", config.get("mydestination"), DomainList.Style.EXACT, once);
      LocalDestination local = new LocalDestination(mydestination, interfaces);
      Lists lists = lists(config, settings, once);
      return new TrivialRewrite(settings, local, lists, new ArrayList<>(opened.values()));
    } catch (TableException | ConfigException | RuntimeException e) {
      opened.values().forEach(LookupTable::close);
      throw e;
    }
  }

  private static Lists lists(MainConfig c, RewriteSettings s, TableOpener once)
      throws TableException {
    DomainList.Style relayStyle =
        s.relayDomainsMatchParent() ? DomainList.Style.PARENT : DomainList.Style.DOT_PARENT;
    List<LookupTable> transport = new ArrayList<>();
    for (String spec : c.getList("transport_maps")) {
      transport.add(once.open(spec));
    }
    return new Lists(
        DomainList.parse("virtual_alias_domains", c.get("virtual_alias_domains"),
            DomainList.Style.EXACT, once),
        DomainList.parse("virtual_mailbox_domains", c.get("virtual_mailbox_domains"),
            DomainList.Style.EXACT, once),
        DomainList.parse("relay_domains", c.get("relay_domains"), relayStyle, once),
        new TransportMaps(transport, s),
        new SenderRouting(addressMaps(c, "sender_dependent_relayhost_maps", once),
            addressMaps(c, "sender_dependent_default_transport_maps", once),
            c.get("empty_address_relayhost_maps_lookup_key").strip(),
            c.get("empty_address_default_transport_maps_lookup_key").strip(),
            s.recipientDelimiter()));
  }

  private static AddressLookup addressMaps(MainConfig c, String parameter, TableOpener once)
      throws TableException {
    List<LookupTable> maps = new ArrayList<>();
    for (String spec : c.getList(parameter)) {
      maps.add(once.open(spec));
    }
    return new AddressLookup(maps);
  }

  /** Routes without a sender: the sender-dependent tables are not asked. */
  @Override
  public Resolution resolve(String address) throws ResolveException {
    return resolve(Optional.empty(), address);
  }

  @Override
  public Resolution resolve(String sender, String address) throws ResolveException {
    return resolve(Optional.of(sender), address);
  }

  private Resolution resolve(Optional<String> sender, String address) throws ResolveException {
    Stripped stripped;
    try {
      stripped = routing.strip(rewrite.canonical(address));
    } catch (TableException e) {
      throw lookupFailure("mydestination", e);
    }
    if (stripped.outcome() == Outcome.GAVE_UP) {
      throw new ResolveException("resolve_addr: <" + address + ">: giving up: address keeps changing");
    }
    String recipient = stripped.recipient();
    boolean local = stripped.outcome() == Outcome.LOCAL;
    int at = recipient.lastIndexOf('@');
    String domain = recipient.substring(at + 1);
    if (!validDomain(domain)) {
      Optional<InetAddress> numeric =
          settings.resolveNumericDomain() ? HostSyntax.bareAddress(domain) : Optional.empty();
      if (numeric.isEmpty()) {
        return badSyntax(recipient);
      }
      domain = HostSyntax.literal(domain);
      recipient = recipient.substring(0, at + 1) + domain;
      local = isLocal(domain);
    }
    Resolution r = classify(sender, recipient, domain, local);
    if (!settings.allowMinUser() && recipient.startsWith("-")) {
      return badSyntax(recipient);
    }
    return r;
  }

  private Resolution classify(Optional<String> sender, String recipient, String domain,
      boolean local) throws ResolveException {
    if (!local && matches(lists.virtualAliasDomains(), domain)) {
      String text = settings.showUserUnknownTableName() ? " in virtual alias table" : "";
      return new Resolution(AddressClass.VIRTUAL_ALIAS, ERROR_TRANSPORT,
          "5.1.1 User unknown" + text, recipient);
    }
    AddressClass addressClass;
    String transport;
    String blame;
    if (local) {
      addressClass = AddressClass.LOCAL;
      transport = settings.localTransport();
      blame = "local_transport";
    } else if (matches(lists.virtualMailboxDomains(), domain)) {
      addressClass = AddressClass.VIRTUAL_MAILBOX;
      transport = settings.virtualTransport();
      blame = "virtual_transport";
    } else if (matches(lists.relayDomains(), domain)) {
      addressClass = AddressClass.RELAY;
      transport = settings.relayTransport();
      blame = "relay_transport";
    } else {
      addressClass = AddressClass.DEFAULT;
      Optional<String> bySender = sender.isEmpty() ? Optional.empty()
          : senderLookup("sender_dependent_default_transport_maps",
              () -> lists.senderRouting().defaultTransport(sender.get(), this::isLocalDomain));
      transport = bySender.orElse(settings.defaultTransport());
      blame = bySender.isPresent() ? "sender_dependent_default_transport_maps"
          : "default_transport";
    }
    boolean offHost = addressClass == AddressClass.RELAY || addressClass == AddressClass.DEFAULT;
    String nexthop = domain;
    if (offHost) {
      // A sender's relay host, then relayhost, then the domain; a transport:nexthop wins over all.
      Optional<String> relay = sender.isEmpty() ? Optional.empty()
          : senderLookup("sender_dependent_relayhost_maps",
              () -> lists.senderRouting().relayhost(sender.get(), this::isLocalDomain));
      nexthop = relay.orElse(settings.relayhost().isEmpty() ? domain : settings.relayhost());
    }
    Route route = configured(transport, nexthop, blame);
    if (!lists.transportMaps().isEmpty()) {
      try {
        route = lists.transportMaps().apply(recipient, domain, route);
      } catch (TableException e) {
        throw lookupFailure("transport_maps", e);
      }
    }
    return new Resolution(addressClass, route.transport(), route.nexthop(), recipient);
  }

  /** A main.cf {@code transport:nexthop} value: its next hop, when given, wins. */
  private Route configured(String value, String nexthop, String parameter)
      throws ResolveException {
    int colon = value.indexOf(':');
    String transport = colon < 0 ? value : value.substring(0, colon);
    String destination = colon < 0 ? "" : value.substring(colon + 1);
    if (transport.isEmpty()) {
      throw new ResolveException("file " + settings.configFile() + ": parameter " + parameter
          + ": null transport is not allowed");
    }
    return new Route(transport, destination.isEmpty() ? nexthop : destination);
  }

  /** A sender-dependent table lookup; a table that cannot answer defers the recipient. */
  private static Optional<String> senderLookup(String parameter, SenderLookup lookup)
      throws ResolveException {
    try {
      return lookup.find();
    } catch (TableException e) {
      throw lookupFailure(parameter, e);
    }
  }

  @FunctionalInterface
  private interface SenderLookup {
    Optional<String> find() throws TableException;
  }

  private boolean isLocalDomain(String domain) throws TableException {
    return localDestination.isLocal(domain);
  }

  private boolean isLocal(String domain) throws ResolveException {
    try {
      return localDestination.isLocal(domain);
    } catch (TableException e) {
      throw lookupFailure("mydestination", e);
    }
  }

  private static boolean matches(DomainList list, String domain) throws ResolveException {
    try {
      return list.matches(domain);
    } catch (TableException e) {
      throw lookupFailure(list.parameter(), e);
    }
  }

  private static ResolveException lookupFailure(String parameter, TableException e) {
    return new ResolveException(parameter + " lookup failure: " + e.getMessage(), e);
  }

  private static Resolution badSyntax(String recipient) {
    return new Resolution(AddressClass.DEFAULT, ERROR_TRANSPORT, BAD_SYNTAX, recipient);
  }

  private static boolean validDomain(String domain) {
    return domain.startsWith("[")
        ? HostSyntax.literalAddress(domain).isPresent()
        : HostSyntax.validHostname(domain);
  }

  @Override
  public void close() {
    tables.forEach(LookupTable::close);
  }
}
