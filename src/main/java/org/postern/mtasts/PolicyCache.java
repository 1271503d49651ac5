package org.postern.mtasts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The on-disk MTA-STS policy cache, {@code postern_mta_sts_cache_directory}: one file per domain,
 * named after it, so that policies survive restarts (RFC 8461 section 5.1 expects a sender to
 * remember them for {@code max_age}). A file holds three header lines, a blank line and the policy
 * text as served:
 *
 * <pre>
 * domain: example.com
 * id: 20240101T000000
 * fetched: 1704067200
 *
 * version: STSv1
 * ...
 * </pre>
 *
 * <p>Files are written to a temporary name in the same directory, forced to disk and renamed over
 * the old one, so a reader sees the old policy or the new, never half of one.
 *
 * <p>Failure: a file that cannot be read or parsed is treated as absent; a write failure throws
 * {@link IOException} naming the file, and the caller carries on with the fetched policy.
 */
final class PolicyCache {
  private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
  private static final Pattern HEADER = Pattern.compile(
      "domain: (\\S+)\nid: ([A-Za-z0-9]{1,32})\nfetched: ([0-9]{1,19})\n\n(.*)", Pattern.DOTALL);

  private final Path directory;

  PolicyCache(Path directory) {
    this.directory = directory;
  }

  /** The cached policy of {@code domain}, expired or not; empty when none is usable. */
  Optional<ActivePolicy> read(String domain) {
    Optional<Path> file = file(domain);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    String content;
    try {
      content = Files.readString(file.get(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    Matcher m = HEADER.matcher(content);
    if (!m.matches() || !m.group(1).equals(key(domain))) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ActivePolicy(m.group(1), m.group(2),
          Instant.ofEpochSecond(Long.parseLong(m.group(3))), MtaStsPolicy.parse(m.group(4)),
          m.group(4)));
    } catch (PolicyException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Stores {@code p} as its domain's policy, atomically. */
  void write(ActivePolicy p) throws IOException {
    Optional<Path> file = file(p.domain());
    if (file.isEmpty()) {
      return;
    }
    Files.createDirectories(directory);
    String content = "domain: " + key(p.domain()) + "\nid: " + p.id() + "\nfetched: "
        + p.fetched().getEpochSecond() + "\n\n" + p.text();
    Path tmp = Files.createTempFile(directory, ".tmp-", "");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(tmp, file.get(), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String key(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /** The file of a domain whose name is safe as a file name (no {@code /}, no leading dot). */
  private Optional<Path> file(String domain) {
    String k = key(domain);
    return DOMAIN.matcher(k).matches() && !k.contains("..")
        ? Optional.of(directory.resolve(k))
        : Optional.empty();
  }
}
