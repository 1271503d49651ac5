package org.postern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.postern.config.ConfigDirectory;
import org.postern.config.MainConfig;
import org.postern.queue.PostfixQueueFiles;
import org.postern.queue.Queues;

/**
 * What Postfix's packaging and {@code post-install create-missing} do, done before the master
 * starts so a fresh checkout's embedded configuration works from its first start: the directory
 * of {@code maillog_file} exists, the mail spool directory exists, and an alias database whose
 * source file is newer than its indexed file (or that was never built) is rebuilt, so an edited
 * aliases file is never silently ignored.
 *
 * <p>The log directory is made only for a {@code maillog_file} inside the Postern tree or under
 * one of {@code maillog_file_prefixes} (the places Postfix's postlogd agrees to write), never
 * for a path elsewhere that is more likely a typo.
 *
 * <p>Failure: a rebuild that fails is reported by newaliases on standard error, a directory that
 * cannot be made by a warning; the master then starts anyway (without its log directory it
 * reports the maillog_file it cannot open), and the local recipients concerned are deferred
 * until it is fixed.
 */
final class StartPreparation {
  private StartPreparation() {}

  static void run(MainConfig config) {
    logDirectory(config);
    spoolDirectory(config);
    rebuildAliases(config);
  }

  /**
   * Why the master must not start on {@code queue_directory}: it holds Postfix's queue files,
   * which Postern cannot read and must not move aside (see PostfixQueueFiles).
   */
  static Optional<String> postfixQueue(MainConfig config) {
    try {
      return PostfixQueueFiles.refusal(Queues.at(config.getPath("queue_directory")));
    } catch (IOException e) {
      return Optional.empty(); // the master reports a queue directory it cannot use
    }
  }

  /** Makes the directory of {@code maillog_file} when it is in a place meant for logs. */
  static void logDirectory(MainConfig config) {
    String file = config.get("maillog_file").strip();
    if (file.isEmpty() || file.startsWith("/dev/")) {
      return;
    }
    Path log = Path.of(file).toAbsolutePath().normalize();
    boolean meantForLogs = log.startsWith(ConfigDirectory.posternHome().toAbsolutePath().normalize())
        || config.getList("maillog_file_prefixes").stream().anyMatch(file::startsWith);
    Path directory = log.getParent();
    if (!meantForLogs || directory == null || Files.isDirectory(directory)) {
      return;
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      System.err.println("postern: warning: cannot create the directory of maillog_file "
          + log + ": " + e);
    }
  }

  private static void spoolDirectory(MainConfig config) {
    Path spool = config.getPath("mail_spool_directory");
    try {
      Files.createDirectories(spool);
    } catch (IOException e) {
      System.err.println("postern: warning: cannot create mail_spool_directory " + spool + ": " + e);
    }
  }

  private static void rebuildAliases(MainConfig config) {
    String defaultType = config.get("default_database_type");
    for (String spec : config.getList("alias_database")) {
      int colon = spec.indexOf(':');
      String type = colon < 0 ? defaultType : spec.substring(0, colon);
      Path source = Path.of(colon < 0 ? spec : spec.substring(colon + 1));
      if (isStale(source, source.resolveSibling(source.getFileName() + "." + type))) {
        Postalias.newaliases(List.of(spec), defaultType);
      }
    }
  }

  private static boolean isStale(Path source, Path index) {
    try {
      return Files.exists(source)
          && (!Files.exists(index)
              || Files.getLastModifiedTime(source).compareTo(Files.getLastModifiedTime(index)) > 0);
    } catch (IOException e) {
      return true;
    }
  }
}
