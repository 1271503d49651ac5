package org.postern.master;

import java.nio.file.Path;
import org.postern.config.MainConfig;

/**
 * Where a master keeps its run-time files, in Postfix's places under {@code queue_directory}:
 * the pid file {@code $process_id_directory/master.pid} (default {@code pid/master.pid}) and the
 * control socket {@code private/control}.
 */
public record MasterPaths(Path queueDirectory, Path pidFile, Path controlSocket) {

  public static MasterPaths of(MainConfig config) {
    Path queue = config.getPath("queue_directory").toAbsolutePath();
    Path pidDirectory = queue.resolve(config.get("process_id_directory"));
    return new MasterPaths(
        queue, pidDirectory.resolve("master.pid"), queue.resolve("private").resolve("control"));
  }
}
