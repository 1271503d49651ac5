package org.postern.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.queue.DsnNotify;
import org.postern.queue.Recipient;

/**
 * The envelope half of cleanup for one message: rewrites the sender, rewrites and expands each
 * recipient, keeps each result's original recipient (the address as the client gave it, or the
 * one a requeued file already carried) with the DSN ORCPT and NOTIFY parameters, and drops
 * duplicates. A recipient without ORCPT gets one as Postfix's cleanup makes it (cleanup_addr.c):
 * {@code rfc822;ADDR} of the address after canonical mapping and before virtual expansion, or
 * {@code utf-8;ADDR} for a non-ASCII address in SMTPUTF8 mail; the smtp client then relays it
 * as ORCPT and a bounce reports it as Original-Recipient. Recipients already marked done (a requeued, partly delivered message) are kept
 * as they are. With address mappings off (postsuper -r of internal mail aside, receive_override_
 * options = no_address_mappings) only the domain-less qualification applies. The automatic BCC
 * recipients ({@link AutomaticBcc}) are added where Postfix adds them: the sender's first, each
 * recipient's right after it, always_bcc last; they go through the same duplicate filter.
 */
final class Envelopes {
  private final CleanupSettings settings;
  private final CleanupOrigin origin;
  private final String queueId;
  private final CleanupLog log;
  private final CleanupErrors errors;
  private String sender = "";
  private final List<Recipient> recipients = new ArrayList<>();
  private String lastRecipient;
  private boolean nonAscii;

  Envelopes(CleanupSettings settings, CleanupOrigin origin, String queueId, CleanupLog log,
      CleanupErrors errors) {
    this.settings = settings;
    this.origin = origin;
    this.queueId = queueId;
    this.log = log;
    this.errors = errors;
  }

  /**
   * Rewrites {@code rawSender} and the {@code received} recipients; {@code smtputf8} says whether
   * the message is SMTPUTF8 mail (asked for, or auto-detected for its origin), for the type of a
   * made-up ORCPT.
   */
  void rewrite(String rawSender, List<Recipient> received, Cleanup.Maps maps, boolean smtputf8) {
    ActionLogger warnings = new ActionLogger(log, queueId, "", "", null, "", "");
    AddressRewriter rewriter = new AddressRewriter(maps, settings, queueId, warnings, errors);
    AutomaticBcc bcc = new AutomaticBcc(origin.automaticBcc(), maps, settings.alwaysBcc(),
        queueId, warnings, errors);
    boolean map = origin.addressMappings();
    nonAscii = !isAscii(rawSender);
    sender = map ? rewriter.sender(rawSender) : rewriter.qualify(rawSender);
    DuplicateFilter dups = new DuplicateFilter(settings.duplicateFilterLimit());
    bcc.forSender(sender).ifPresent(b -> addBcc(b, rewriter, dups));
    boolean anyRecipient = false;
    for (Recipient r : received) {
      nonAscii |= !isAscii(r.address());
      if (r.done()) {
        recipients.add(r);
        continue;
      }
      anyRecipient = true;
      String original = r.originalRecipient().orElse(r.address());
      String canonical = map ? rewriter.recipientCanonical(r.address()) : rewriter.qualify(r.address());
      lastRecipient = canonical;
      List<String> expanded = map ? rewriter.virtualExpansion(canonical) : List.of(canonical);
      Optional<String> orcpt = r.dsnOrcpt().or(() -> madeUpOrcpt(canonical, smtputf8));
      for (String address : expanded) {
        add(new Recipient(address, Optional.of(original), orcpt, r.notifyFlags(), false, -1), dups);
      }
      bcc.forRecipient(canonical).ifPresent(b -> addBcc(b, rewriter, dups));
    }
    if (anyRecipient) {
      bcc.always().ifPresent(b -> addBcc(b, rewriter, dups));
    }
  }

  /**
   * An automatic BCC recipient, rewritten as a recipient: its original recipient is its
   * canonical form, with NOTIFY=NEVER and no ORCPT (Postfix's cleanup_addr_bcc()).
   */
  private void addBcc(String address, AddressRewriter rewriter, DuplicateFilter dups) {
    String canonical = rewriter.recipientCanonical(address);
    nonAscii |= !isAscii(canonical);
    for (String expanded : rewriter.virtualExpansion(canonical)) {
      add(new Recipient(expanded, Optional.of(canonical), Optional.empty(),
          Set.of(DsnNotify.NEVER), false, -1), dups);
    }
  }

  /** Postfix's ORCPT for a recipient that came without one: {@code TYPE;ADDRESS}, no space. */
  private static Optional<String> madeUpOrcpt(String address, boolean smtputf8) {
    if (address.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of((smtputf8 && !isAscii(address) ? "utf-8;" : "rfc822;") + address);
  }

  private void add(Recipient r, DuplicateFilter dups) {
    if (dups.firstTime(key(r))) {
      recipients.add(r);
    }
  }

  private String key(Recipient r) {
    if (!settings.enableOriginalRecipient()) {
      return r.address();
    }
    List<String> notify = r.notifyFlags().stream().map(DsnNotify::name).sorted().toList();
    return r.dsnOrcpt().orElse("") + "\n" + notify + "\n" + r.originalRecipient().orElse("")
        + "\n" + r.address();
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return false;
      }
    }
    return true;
  }

  String sender() {
    return sender;
  }

  List<Recipient> recipients() {
    return List.copyOf(recipients);
  }

  /** The last recipient after canonical mapping, for log lines (null when there is none). */
  String lastRecipient() {
    return lastRecipient;
  }

  /** Whether an envelope address as given contains non-ASCII text (SMTPUTF8 autodetection). */
  boolean nonAscii() {
    return nonAscii;
  }
}
