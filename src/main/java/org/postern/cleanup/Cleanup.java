package org.postern.cleanup;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postern.milter.MilterSettings;
import org.postern.milter.Milters;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.queue.CleanupReply;
import org.postern.queue.CleanupStatus;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.Queues;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

/**
 * The cleanup service: the one place that writes new queue files. smtpd, pickup (maildrop and
 * postsuper -r requeues) and the bounce service each {@link #open} a {@link CleanupTransaction},
 * hand it the envelope and the content, and commit it.
 *
 * <pre>
 * try (CleanupTransaction t = cleanup.open(CleanupOrigin.smtpd(name, addr, false))) {
 *   t.sender("a@example.com");
 *   t.recipient(Recipient.of("b@example.org"));
 *   t.content().write(bytes);              // as the client sends them
 *   switch (t.commit()) { ... }            // Queued | Discarded | Rejected | Failed
 * }
 * </pre>
 *
 * <p>The tables of canonical_maps, sender_canonical_maps, recipient_canonical_maps,
 * virtual_alias_maps, sender_bcc_maps, recipient_bcc_maps, header_checks, body_checks,
 * milter_header_checks and requiretls_request_maps are
 * opened once, here, through the opener;
 * the service is then safe for concurrent use when the tables are (each transaction keeps its
 * own state). {@code
 * receive_override_options} ({@code no_address_mappings}, {@code no_header_body_checks}) applies
 * to sendmail, smtpd and qmqpd mail.
 *
 * <p>{@code requiretls_request_maps} marks mail for REQUIRETLS by policy ({@link
 * RequireTlsRequest}).
 *
 * <p>{@code non_smtpd_milters} inspect local submissions here (see {@link MilterInspection});
 * smtpd hands its session's {@code smtpd_milters} to each transaction for the content stages.
 *
 * <p>Failure: a table that cannot be opened fails {@link #create} with TableException naming it,
 * a malformed non_smtpd_milters with ConfigException;
 * a queue file that cannot be created fails {@link #open} with IOException ({@link #replyFor}
 * gives the reply for it).
 */
public final class Cleanup implements AutoCloseable {
  /** The address mapping tables, by parameter. */
  record Maps(
      AddressMaps canonical,
      AddressMaps senderCanonical,
      AddressMaps recipientCanonical,
      AddressMaps virtualAlias,
      AddressMaps senderBcc,
      AddressMaps recipientBcc) {}

  private final CleanupSettings settings;
  private final Queues queues;
  private final Clock clock;
  private final CleanupLog log;
  private final Maps maps;
  private final List<LookupTable> headerChecks;
  private final List<LookupTable> bodyChecks;
  private final List<LookupTable> milterHeaderChecks;
  private final List<LookupTable> opened;
  private final MilterSettings nonSmtpdMilters;
  private final RequireTlsRequest requireTlsRequest;

  private Cleanup(CleanupSettings settings, Queues queues, Clock clock, CleanupLog log, Maps maps,
      List<LookupTable> headerChecks, List<LookupTable> bodyChecks,
      List<LookupTable> milterHeaderChecks, List<LookupTable> opened,
      MilterSettings nonSmtpdMilters, RequireTlsRequest requireTlsRequest) {
    this.settings = settings;
    this.queues = queues;
    this.clock = clock;
    this.log = log;
    this.maps = maps;
    this.headerChecks = headerChecks;
    this.bodyChecks = bodyChecks;
    this.milterHeaderChecks = milterHeaderChecks;
    this.opened = opened;
    this.nonSmtpdMilters = nonSmtpdMilters;
    this.requireTlsRequest = requireTlsRequest;
  }

  /** Reads the configuration and opens every table cleanup uses. */
  public static Cleanup create(MainConfig config, Queues queues, Clock clock, TableOpener opener,
      CleanupLog log) throws TableException, ConfigException {
    CleanupSettings s = CleanupSettings.from(config);
    List<LookupTable> opened = new ArrayList<>();
    try {
      Maps maps = new Maps(
          new AddressMaps("canonical_maps", open(config, "canonical_maps", opener, opened), s),
          new AddressMaps("sender_canonical_maps",
              open(config, "sender_canonical_maps", opener, opened), s),
          new AddressMaps("recipient_canonical_maps",
              open(config, "recipient_canonical_maps", opener, opened), s),
          new AddressMaps("virtual_alias_maps",
              open(config, "virtual_alias_maps", opener, opened), s),
          new AddressMaps("sender_bcc_maps",
              open(config, "sender_bcc_maps", opener, opened), s),
          new AddressMaps("recipient_bcc_maps",
              open(config, "recipient_bcc_maps", opener, opened), s));
      List<LookupTable> header = open(config, "header_checks", opener, opened);
      List<LookupTable> body = open(config, "body_checks", opener, opened);
      List<LookupTable> milterHeader = open(config, "milter_header_checks", opener, opened);
      MilterSettings milters = nonSmtpdMilters(config);
      RequireTlsRequest requireTls = new RequireTlsRequest(
          open(config, "requiretls_request_maps", opener, opened), s.myorigin(),
          s.recipientDelimiter(), config.getList("parent_domain_matches_subdomains").stream()
              .anyMatch(n -> n.equalsIgnoreCase("smtpd_access_maps")));
      return new Cleanup(s, queues, clock, log, maps, header, body, milterHeader,
          List.copyOf(opened), milters, requireTls);
    } catch (TableException | ConfigException | RuntimeException e) {
      opened.forEach(LookupTable::close);
      throw e;
    }
  }

  /** non_smtpd_milters, none under receive_override_options = no_milters. */
  private static MilterSettings nonSmtpdMilters(MainConfig config) throws ConfigException {
    if (config.getList("receive_override_options").stream()
        .anyMatch(o -> o.equalsIgnoreCase("no_milters"))) {
      return MilterSettings.NONE;
    }
    try {
      return MilterSettings.from(config, config.get("non_smtpd_milters"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(config.configDirectory().resolve("main.cf"), 0,
          "non_smtpd_milters", e.getMessage());
    }
  }

  private static List<LookupTable> open(MainConfig config, String parameter, TableOpener opener,
      List<LookupTable> opened) throws TableException {
    List<LookupTable> tables = new ArrayList<>();
    for (String spec : config.getList(parameter)) {
      LookupTable t;
      try {
        t = opener.open(spec);
      } catch (TableException e) {
        throw new TableException(parameter + ": " + e.getMessage(), e);
      }
      opened.add(t);
      tables.add(t);
    }
    return List.copyOf(tables);
  }

  /** Starts a message; its queue id is fixed from here on (smtpd logs it, pickup uses it). */
  public CleanupTransaction open(CleanupOrigin origin) throws IOException {
    CleanupOrigin effective = origin;
    if (origin.source() == CleanupOrigin.SourceClass.SENDMAIL
        || origin.source() == CleanupOrigin.SourceClass.SMTPD
        || origin.source() == CleanupOrigin.SourceClass.QMQPD) {
      effective = origin.with(
          origin.contentChecks() && !settings.noHeaderBodyChecks(),
          origin.addressMappings() && !settings.noAddressMappings());
    }
    QueueFileWriter writer = QueueFileWriter.create(queues, clock);
    return new CleanupTransaction(this, effective, writer);
  }

  /**
   * Connects to the non_smtpd_milters for one local submission (sendmail, postsuper -r); empty
   * when there are none.
   */
  Optional<Milters> openNonSmtpdMilters() {
    if (nonSmtpdMilters.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Milters.open(nonSmtpdMilters, text -> log.line("warning: " + text)));
  }

  CleanupSettings settings() {
    return settings;
  }

  Queues queues() {
    return queues;
  }

  Clock clock() {
    return clock;
  }

  CleanupLog log() {
    return log;
  }

  Maps maps() {
    return maps;
  }

  List<LookupTable> headerChecks() {
    return headerChecks;
  }

  List<LookupTable> bodyChecks() {
    return bodyChecks;
  }

  List<LookupTable> milterHeaderChecks() {
    return milterHeaderChecks;
  }

  RequireTlsRequest requireTlsRequest() {
    return requireTlsRequest;
  }

  /** The reply for a failed queue write: 452 4.3.1 when the disk is full, else 451 4.3.0. */
  public static CleanupReply replyFor(IOException e) {
    return writeStatus(e).reply();
  }

  static CleanupStatus writeStatus(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String reason = t instanceof FileSystemException f ? f.getReason() : null;
      if (mentionsNoSpace(reason) || mentionsNoSpace(t.getMessage())) {
        return CleanupStatus.NO_SPACE;
      }
    }
    return CleanupStatus.WRITE;
  }

  private static boolean mentionsNoSpace(String text) {
    return text != null && (text.contains("No space left") || text.contains("ENOSPC"));
  }

  /** Closes the tables. */
  @Override
  public void close() {
    opened.forEach(LookupTable::close);
  }
}
