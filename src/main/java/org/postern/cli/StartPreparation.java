package org.postern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.postern.config.MainConfig;

/**
 * What Postfix's packaging does at install and upgrade time, done before the master starts so a
 * fresh checkout's embedded configuration works from its first start: the mail spool directory
 * exists, and an alias database whose source file is newer than its indexed file (or that was
 * never built) is rebuilt, so an edited aliases file is never silently ignored.
 *
 * <p>Failure: a rebuild that fails is reported by newaliases on standard error, a spool directory
 * that cannot be made by a warning; the master then starts anyway, and the local recipients
 * concerned are deferred until it is fixed.
 */
final class StartPreparation {
  private StartPreparation() {}

  static void run(MainConfig config) {
    spoolDirectory(config);
    rebuildAliases(config);
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
