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
 * <p>The negative cache lives beside it, in the subdirectory {@code .failed} (a name no domain
 * has): one file per domain whose last policy fetch failed ({@link FetchFailure}), removed when a
 * fetch succeeds, so that every SMTP client process holds back the same way:
 *
 * <pre>
 * domain: example.com
 * id: 20240101T000000
 * failures: 2
 * last: 1704067200
 * reason: https://mta-sts.example.com/.well-known/mta-sts.txt: HTTP status 404
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
  private static final Pattern FAILURE = Pattern.compile("domain: (\\S+)\nid: ([A-Za-z0-9]{1,32})"
      + "\nfailures: ([1-9][0-9]{0,8})\nlast: ([0-9]{1,19})\nreason: ([^\n]*)\n");
  private static final String FAILED = ".failed";

  private final Path directory;

  PolicyCache(Path directory) {
    this.directory = directory;
  }

  /** The cached policy of {@code domain}, expired or not; empty when none is usable. */
  Optional<ActivePolicy> read(String domain) {
    Optional<Path> file = file(directory, domain);
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
    Optional<Path> file = file(directory, p.domain());
    if (file.isPresent()) {
      replace(file.get(), "domain: " + key(p.domain()) + "\nid: " + p.id() + "\nfetched: "
          + p.fetched().getEpochSecond() + "\n\n" + p.text());
    }
  }

  /** The negative cache entry of {@code domain}; empty when its last fetch did not fail. */
  Optional<FetchFailure> readFailure(String domain) {
    Optional<Path> file = file(directory.resolve(FAILED), domain);
    Matcher m;
    try {
      if (file.isEmpty() || !Files.isRegularFile(file.get())) {
        return Optional.empty();
      }
      m = FAILURE.matcher(Files.readString(file.get(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!m.matches() || !m.group(1).equals(key(domain))) {
      return Optional.empty();
    }
    return Optional.of(new FetchFailure(m.group(1), m.group(2), Integer.parseInt(m.group(3)),
        Instant.ofEpochSecond(Long.parseLong(m.group(4))), m.group(5)));
  }

  /** Stores {@code f} as its domain's negative cache entry, atomically. */
  void writeFailure(FetchFailure f) throws IOException {
    Optional<Path> file = file(directory.resolve(FAILED), f.domain());
    if (file.isPresent()) {
      // one line per field: a reason with line breaks would end the entry early
      String reason = f.reason().replaceAll("[\\p{Cntrl}]", " ");
      replace(file.get(), "domain: " + key(f.domain()) + "\nid: " + f.id() + "\nfailures: "
          + f.failures() + "\nlast: " + f.last().getEpochSecond() + "\nreason: " + reason + "\n");
    }
  }

  /** Forgets the failed fetches of {@code domain}, after a fetch that worked. */
  void clearFailure(String domain) throws IOException {
    Optional<Path> file = file(directory.resolve(FAILED), domain);
    if (file.isPresent()) {
      Files.deleteIfExists(file.get());
    }
  }

  /** Writes {@code content} to a temporary file beside {@code file}, forces it, renames it. */
  private static void replace(Path file, String content) throws IOException {
    Path dir = Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(dir, ".tmp-", "");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String key(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /** The file in {@code dir} of a domain whose name is safe (no {@code /}, no leading dot). */
  private static Optional<Path> file(Path dir, String domain) {
    String k = key(domain);
    return DOMAIN.matcher(k).matches() && !k.contains("..")
        ? Optional.of(dir.resolve(k))
        : Optional.empty();
  }
}
