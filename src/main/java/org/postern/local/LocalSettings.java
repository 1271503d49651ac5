package org.postern.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postern.config.MainConfig;
import org.postern.deliver.FileSizeLimit;

/**
 * The main.cf parameters local(8) reads, frozen at start-up. {@code forward_path} and {@code
 * mailbox_command} stay unexpanded: their {@code $user}, {@code $home}... are per recipient.
 *
 * @param expansionTypes for {@code allow_mail_to_commands} and {@code allow_mail_to_files}:
 *     where a command or file target may come from ({@code alias}, {@code forward}, {@code
 *     include})
 * @param mailboxSizeLimit mailbox_size_limit: the size an mbox file or a Maildir message file
 *     that local(8) writes may reach
 */
public record LocalSettings(
    String myhostname,
    String mailName,
    List<String> aliasMaps,
    String recipientDelimiter,
    String forwardPath,
    String homeMailbox,
    String mailboxCommand,
    String mailSpoolDirectory,
    Set<String> mailboxDeliveryLock,
    Set<String> allowMailToCommands,
    Set<String> allowMailToFiles,
    String defaultPrivs,
    String localCommandShell,
    Duration commandTimeLimit,
    Set<String> prependDeliveredHeader,
    List<String> exportEnvironment,
    String commandExpansionFilter,
    String forwardExpansionFilter,
    int duplicateFilterLimit,
    FileSizeLimit mailboxSizeLimit) {

  public LocalSettings {
    aliasMaps = List.copyOf(aliasMaps);
    mailboxDeliveryLock = Set.copyOf(mailboxDeliveryLock);
    allowMailToCommands = Set.copyOf(allowMailToCommands);
    allowMailToFiles = Set.copyOf(allowMailToFiles);
    prependDeliveredHeader = Set.copyOf(prependDeliveredHeader);
    exportEnvironment = List.copyOf(exportEnvironment);
  }

  /** The settings of {@code config}. */
  public static LocalSettings from(MainConfig config) {
    return new LocalSettings(
        config.get("myhostname"),
        config.get("mail_name"),
        config.getList("alias_maps"),
        config.get("recipient_delimiter"),
        config.get("forward_path"),
        config.get("home_mailbox"),
        config.get("mailbox_command"),
        config.get("mail_spool_directory"),
        lowerSet(config.getList("mailbox_delivery_lock")),
        lowerSet(config.getList("allow_mail_to_commands")),
        lowerSet(config.getList("allow_mail_to_files")),
        config.get("default_privs"),
        config.get("local_command_shell"),
        config.getTime("command_time_limit"),
        lowerSet(config.getList("prepend_delivered_header")),
        config.getList("export_environment"),
        config.get("command_expansion_filter"),
        config.get("forward_expansion_filter"),
        config.getInt("duplicate_filter_limit"),
        mailboxSizeLimit(config));
  }

  /**
   * mailbox_size_limit, when it is not below message_size_limit; otherwise Postfix local(8)'s
   * start-up refusal as an IllegalArgumentException ("configuration error: mailbox_size_limit
   * is smaller than message_size_limit", or "... is limited but message_size_limit is
   * unlimited").
   */
  public static FileSizeLimit mailboxSizeLimit(MainConfig config) {
    return FileSizeLimit.check("mailbox_size_limit", config.getSize("mailbox_size_limit"),
        config.getSize("message_size_limit"));
  }

  private static Set<String> lowerSet(List<String> items) {
    return items.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }
}
