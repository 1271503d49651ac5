package org.postern.virtual;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveredHeaders;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.MailCopy;
import org.postern.deliver.RecipientResult;
import org.postern.queue.Recipient;
import org.postern.table.TableException;

/**
 * Delivers each recipient of a request to its virtual mailbox: looks up mailbox and owner, then
 * hands over to the maildir or mailbox-file writer. The lookups and the checks on their results
 * live here; the writers only know files.
 */
public final class VirtualAgent implements DeliveryAgent, AutoCloseable {
  private static final String CONFIG_ERROR = "mail system configuration error";
  private static final System.Logger LOG = System.getLogger("org.postern.virtual");

  private final VirtualSettings settings;
  private final AddressMaps mailboxMaps;
  private final AddressMaps uidMaps;
  private final AddressMaps gidMaps;
  private final MaildirDelivery maildir;
  private final MailboxFileDelivery mailboxFile;
  private final Clock clock;

  private VirtualAgent(VirtualSettings settings, Clock clock) throws TableException {
    this.settings = settings;
    this.clock = clock;
    this.mailboxMaps = AddressMaps.open("virtual_mailbox_maps", settings.mailboxMaps());
    this.uidMaps = AddressMaps.open("virtual_uid_maps", settings.uidMaps());
    this.gidMaps = AddressMaps.open("virtual_gid_maps", settings.gidMaps());
    this.maildir = new MaildirDelivery(settings.mailboxLimit(), settings.hostname());
    this.mailboxFile = new MailboxFileDelivery(new MailboxLock(settings, clock),
        settings.mailboxLimit(), settings.strictOwnership());
  }

  /**
   * Postfix virtual(8)'s start-up test of {@code virtual_mailbox_limit} against {@code
   * message_size_limit}: an IllegalArgumentException "configuration error: virtual_mailbox_limit
   * is smaller than message_size_limit" (or "... is limited but message_size_limit is
   * unlimited") when the limit would refuse mail that was accepted. {@link #of} applies it too.
   */
  public static void checkMailboxLimit(MainConfig config) {
    VirtualSettings.mailboxLimit(config);
  }

  /** The agent for the service {@code config} was made for; opens the three lookup tables. */
  public static VirtualAgent of(MainConfig config) throws TableException {
    return of(config, Clock.systemDefaultZone());
  }

  /** As {@link #of(MainConfig)}, with {@code clock} for From_ lines and stale locks. */
  public static VirtualAgent of(MainConfig config, Clock clock) throws TableException {
    return new VirtualAgent(VirtualSettings.from(config), clock);
  }

  @Override
  public List<RecipientResult> deliver(DeliveryRequest request)
      throws IOException, InterruptedException {
    DeliveredHeaders delivered = DeliveredHeaders.read(request);
    List<RecipientResult> results = new ArrayList<>();
    for (Recipient r : request.recipients()) {
      results.add(deliver(request, r, delivered));
    }
    return results;
  }

  private RecipientResult deliver(DeliveryRequest request, Recipient r, DeliveredHeaders delivered)
      throws MailCopy.ReadException, InterruptedException {
    String relay = settings.serviceName();
    if (delivered.contains(r.address())) {
      return RecipientResult.bounced(r, "5.4.6", relay, "mail forwarding loop for " + r.address());
    }
    if (!settings.mailboxBase().startsWith("/")) {
      LOG.log(System.Logger.Level.WARNING, "do not specify relative pathname: "
          + "virtual_mailbox_base = " + settings.mailboxBase());
      return RecipientResult.deferred(r, "4.3.5", relay, CONFIG_ERROR);
    }
    String user = r.address().toLowerCase(Locale.ROOT);
    try {
      Optional<String> mailbox = mailboxMaps.find(user, settings.recipientDelimiter());
      if (mailbox.isEmpty()) {
        return RecipientResult.bounced(r, "5.1.1", relay, "unknown user: \"" + user + "\"");
      }
      Optional<MailboxOwner> owner = owner(user);
      if (owner.isEmpty()) {
        return RecipientResult.deferred(r, "4.3.5", relay, CONFIG_ERROR);
      }
      if (request.traceOnly()) {
        // An address probe writes nothing: it says what kind of mailbox would take the mail.
        return RecipientResult.sent(r, "2.0.0", relay,
            mailbox.get().endsWith("/") ? "delivers to maildir" : "delivers to mailbox");
      }
      String text = write(request, r, mailbox.get(), owner.get());
      return RecipientResult.sent(r, "2.0.0", relay, text);
    } catch (TableException e) {
      LOG.log(System.Logger.Level.WARNING, "recipient " + user + ": " + e.getMessage());
      return RecipientResult.deferred(r, "4.3.5", relay, CONFIG_ERROR);
    } catch (MailboxException e) {
      return e.dsn().startsWith("4")
          ? RecipientResult.deferred(r, e.dsn(), relay, e.getMessage())
          : RecipientResult.bounced(r, e.dsn(), relay, e.getMessage());
    }
  }

  private String write(DeliveryRequest request, Recipient r, String location, MailboxOwner owner)
      throws MailboxException, MailCopy.ReadException, InterruptedException {
    String path = settings.mailboxBase() + "/" + location;
    MailCopy.Envelope envelope = new MailCopy.Envelope(request.sender(),
        r.originalRecipient().orElse(""), r.address(), ZonedDateTime.now(clock));
    if (path.endsWith("/")) {
      return maildir.deliver(request, envelope, r.offset(), Path.of(path), owner);
    }
    return mailboxFile.deliver(request, envelope, Path.of(path), owner);
  }

  /** The uid and gid from their tables; empty (a configuration error) when missing or bad. */
  private Optional<MailboxOwner> owner(String user) throws TableException {
    Optional<String> uid = uidMaps.find(user, settings.recipientDelimiter());
    Optional<String> gid = gidMaps.find(user, settings.recipientDelimiter());
    if (uid.isEmpty() || gid.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "recipient " + user + ": not found in "
          + (uid.isEmpty() ? uidMaps : gidMaps).parameter());
      return Optional.empty();
    }
    long u = leadingNumber(uid.get());
    long g = leadingNumber(gid.get());
    if (u < settings.minimumUid() || g <= 0) {
      LOG.log(System.Logger.Level.WARNING, "recipient " + user + ": bad "
          + (g <= 0 ? "gid " + gid.get() + " in " + gidMaps.parameter()
              : "uid " + uid.get() + " in " + uidMaps.parameter()));
      return Optional.empty();
    }
    return Optional.of(MailboxOwner.of(u, g));
  }

  /** The number a table result starts with, as C's atol() reads it; 0 when there is none. */
  static long leadingNumber(String s) {
    String t = s.strip();
    int end = 0;
    while (end < t.length() && end < 18 && Character.isDigit(t.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Long.parseLong(t.substring(0, end));
  }

  @Override
  public void close() {
    mailboxMaps.close();
    uidMaps.close();
    gidMaps.close();
  }
}
