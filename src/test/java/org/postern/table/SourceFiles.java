package org.postern.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes table source files for tests. */
final class SourceFiles {
  private SourceFiles() {}

  /** Writes {@code text} to {@code dir/name} and returns the file. */
  static Path write(Path dir, String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
