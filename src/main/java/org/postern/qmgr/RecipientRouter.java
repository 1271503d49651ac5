package org.postern.qmgr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postern.deliver.AddressResolver;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.Resolution;
import org.postern.deliver.ResolveException;
import org.postern.queue.QueueFile;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

/**
 * Postfix's qmgr_message_resolve: asks trivial-rewrite where each pending recipient goes and
 * applies what the queue file and main.cf say on top.
 *
 * <ul>
 *   <li>{@code redirect_to} (a REDIRECT action): every recipient is delivered to that address
 *       instead; the log shows it as {@code to=}, the recipient's original address as {@code
 *       orig_to=}.
 *   <li>{@code content_filter} ({@code transport:nexthop}, a FILTER action or the client's
 *       content_filter): every recipient goes to that transport and next hop, unrewritten; an
 *       empty next hop means {@code $myhostname}.
 *   <li>{@code defer_transports}: recipients for those transports are deferred ({@code deferred
 *       transport}) unless the run is a flush.
 * </ul>
 *
 * <p>Address probes ({@code trace_flags}) are resolved with the probe resolver, which applies the
 * {@code address_verify_*} routing parameters, and never go to a content filter, as Postfix's
 * resolve_clnt_verify.
 *
 * <p>Failure: a {@link ResolveException} defers that recipient with 4.3.0 {@code address resolver
 * failure}; other recipients carry on.
 */
final class RecipientRouter {
  static final String CONTENT_FILTER = "content_filter";
  static final String REDIRECT_TO = "redirect_to";
  private static final String ERROR_TRANSPORT = "error";

  private final AddressResolver resolver;
  private final AddressResolver probeResolver;
  private final QmgrSettings settings;

  RecipientRouter(AddressResolver resolver, AddressResolver probeResolver, QmgrSettings settings) {
    this.resolver = resolver;
    this.probeResolver = probeResolver;
    this.settings = settings;
  }

  List<Routing> route(QueueFile message, List<Recipient> pending, boolean flush) {
    Map<String, String> attributes = message.envelope().attributes();
    Optional<String> redirect = nonEmpty(attributes.get(REDIRECT_TO));
    TraceFlags trace = TraceFlags.of(attributes);
    Optional<String> filter =
        trace.traceOnly() ? Optional.empty() : nonEmpty(attributes.get(CONTENT_FILTER));
    AddressResolver resolver = trace.mtaVerify() ? probeResolver : this.resolver;
    Map<String, Resolution> resolved = new HashMap<>();
    List<Routing> routes = new ArrayList<>(pending.size());
    for (Recipient r : pending) {
      String address = redirect.orElse(r.address());
      Resolution res;
      try {
        res = resolved.containsKey(address) ? resolved.get(address)
            : resolver.resolve(message.envelope().sender(), address);
        resolved.put(address, res);
      } catch (ResolveException e) {
        routes.add(new Routing.Settled(
            RecipientResult.deferred(r, "4.3.0", "none", "address resolver failure")));
        continue;
      }
      routes.add(route(r, address, res, filter, flush));
    }
    return routes;
  }

  private Routing route(
      Recipient r, String address, Resolution res, Optional<String> filter, boolean flush) {
    String transport;
    String nexthop;
    String deliverTo;
    if (filter.isPresent()) {
      String f = filter.get();
      int colon = f.indexOf(':');
      transport = colon < 0 ? f : f.substring(0, colon);
      nexthop = colon < 0 || colon == f.length() - 1 ? settings.myhostname() : f.substring(colon + 1);
      deliverTo = address;
    } else {
      transport = res.transport();
      nexthop = res.nexthop();
      deliverTo = res.recipient();
    }
    if (!flush && settings.deferTransports().contains(transport)) {
      return new Routing.Settled(
          RecipientResult.deferred(r, "4.3.2", "none", "deferred transport"));
    }
    Recipient deliverAs = new Recipient(deliverTo, r.originalRecipient(), r.dsnOrcpt(),
        r.notifyFlags(), false, r.offset());
    return new Routing.Routed(r, deliverAs, transport, nexthop, queueName(transport, nexthop, deliverTo));
  }

  /** Postfix gives each recipient its own queue when the transport takes one at a time. */
  private String queueName(String transport, String nexthop, String recipient) {
    String name = nexthop.toLowerCase(Locale.ROOT);
    if (!transport.equals(ERROR_TRANSPORT)
        && settings.limits().recipientLimit(transport) == 1) {
      int at = recipient.lastIndexOf('@');
      String local = at < 0 ? recipient : recipient.substring(0, at);
      name = local.toLowerCase(Locale.ROOT) + "@" + name;
    }
    return name;
  }

  private static Optional<String> nonEmpty(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
