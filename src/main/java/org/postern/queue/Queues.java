package org.postern.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The queue directory tree under {@code queue_directory}: where a queue file of a given id lives,
 * and the renames that move it between queues.
 *
 * <p>Queues named in {@code hash_queue_names} (default {@code deferred, defer}) are split into
 * {@code hash_queue_depth} (default 1) levels of subdirectories, each named by the next character
 * of the queue id: {@code deferred/A/A1B2C3D4}. Directories are created on first use with the
 * modes of {@link QueueName} (0700; maildrop 3733; public 0711) where the file system has POSIX
 * modes; {@link #fixModes} puts them back on an existing queue and {@link #wrongModes} reports
 * them.
 *
 * <p>maildrop is writable by every local user (there is no setgid postdrop, see
 * docs/local-submission.md): sendmail writes its file there under a temporary name ({@link
 * #createMaildropTemporaryFile}) that is never a queue id, so no reader takes it for a message,
 * and renames it to its queue id when complete.
 *
 * <p>Failure: I/O errors propagate as IOException naming the path; a rename whose source is gone
 * reports false, because another process (qmgr, postsuper) may have moved the file first.
 */
public final class Queues {
  /** Postfix's default {@code hash_queue_names}. */
  public static final Set<QueueName> DEFAULT_HASH_QUEUE_NAMES =
      Set.of(QueueName.DEFERRED, QueueName.DEFER);

  /** Postfix's default {@code hash_queue_depth}. */
  public static final int DEFAULT_HASH_QUEUE_DEPTH = 1;

  /** Prefix of a file in maildrop that sendmail is still writing; never a queue id. */
  public static final String MAILDROP_TEMPORARY_PREFIX = "t";

  /**
   * The mode of a file sendmail drops: readable by the daemon's group, which the file inherits
   * from the setgid maildrop directory; not by other users, who may open maildrop files whose
   * names they guess (a queue id is a time and an inode number).
   */
  static final String MAILDROP_FILE_MODE = "rw-r-----";

  /** The mode of a file in tmp/, which only the mail system reads. */
  static final String TMP_FILE_MODE = "rw-------";

  /** How many taken names {@link #createExclusive} tries before it gives up. */
  static final int CREATE_ATTEMPTS = 100;

  private static final long PID = ProcessHandle.current().pid();

  private static final int MODE_BITS = 07777;

  private final Path root;
  private final Set<QueueName> hashQueueNames;
  private final int hashQueueDepth;

  public Queues(Path root, Set<QueueName> hashQueueNames, int hashQueueDepth) {
    if (hashQueueDepth < 1 || hashQueueDepth > 5) {
      throw new IllegalArgumentException("hash_queue_depth: bad value: " + hashQueueDepth);
    }
    if (hashQueueNames.contains(QueueName.MAILDROP)) {
      throw new IllegalArgumentException("hash_queue_names: maildrop queue must not be hashed");
    }
    this.root = root.toAbsolutePath();
    this.hashQueueNames = Set.copyOf(hashQueueNames);
    this.hashQueueDepth = hashQueueDepth;
  }

  /** The queues under {@code root} with Postfix's default hashing. */
  public static Queues at(Path root) {
    return new Queues(root, DEFAULT_HASH_QUEUE_NAMES, DEFAULT_HASH_QUEUE_DEPTH);
  }

  /** The {@code queue_directory} itself. */
  public Path root() {
    return root;
  }

  /** The top directory of {@code queue}. */
  public Path directory(QueueName queue) {
    return root.resolve(queue.directoryName());
  }

  /** Whether {@code queue} is split into hash subdirectories. */
  public boolean hashed(QueueName queue) {
    return hashQueueNames.contains(queue);
  }

  /** The number of hash subdirectory levels of {@code queue}: 0 when it is not hashed. */
  public int hashDepth(QueueName queue) {
    return hashed(queue) ? hashQueueDepth : 0;
  }

  /** Where the file of {@code id} belongs in {@code queue} (Postfix's mail_queue_path). */
  public Path path(QueueName queue, QueueId id) {
    Path dir = directory(queue);
    if (hashed(queue)) {
      for (int level = 0; level < hashQueueDepth; level++) {
        dir = dir.resolve(id.value().substring(level, level + 1));
      }
    }
    return dir.resolve(id.value());
  }

  /** The path of {@code file} relative to the queue directory, as postcat and logs name it. */
  public String relativeName(Path file) {
    Path abs = file.toAbsolutePath();
    return abs.startsWith(root) ? root.relativize(abs).toString() : file.toString();
  }

  /** Creates every queue directory that does not exist yet. */
  public void createDirectories() throws IOException {
    for (QueueName queue : QueueName.values()) {
      createDirectory(directory(queue), queue);
    }
  }

  private void createDirectory(Path dir, QueueName queue) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      return; // a concurrent writer made it
    }
    setMode(dir, queue); // not through umask
  }

  private static void setMode(Path dir, QueueName queue) throws IOException {
    if (Files.getFileStore(dir).supportsFileAttributeView("unix")) {
      Files.setAttribute(dir, "unix:mode", queue.mode());
      return;
    }
    PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    if (view != null) {
      view.setPermissions(queue.permissions());
    }
  }

  /** A queue directory whose mode is not the one {@link QueueName} gives it. */
  public record WrongMode(QueueName queue, Path directory, int actual) {
    @Override
    public String toString() {
      return directory + ": mode " + QueueName.octal(actual) + ", should be "
          + QueueName.octal(queue.mode());
    }
  }

  /**
   * The existing top-level queue directories with another mode than their own: what {@code
   * postern check} reports. Empty where the file system has no UNIX modes.
   */
  public List<WrongMode> wrongModes() throws IOException {
    List<WrongMode> wrong = new ArrayList<>();
    for (QueueName queue : QueueName.values()) {
      Path dir = directory(queue);
      if (Files.isDirectory(dir) && Files.getFileStore(dir).supportsFileAttributeView("unix")) {
        int actual = (Integer) Files.getAttribute(dir, "unix:mode") & MODE_BITS;
        if (actual != queue.mode()) {
          wrong.add(new WrongMode(queue, dir, actual));
        }
      }
    }
    return wrong;
  }

  /**
   * Gives every existing top-level queue directory its mode, as the master does at start (a
   * queue made by an older version has maildrop 0730, which no ordinary user can write); returns
   * what it changed.
   */
  public List<WrongMode> fixModes() throws IOException {
    List<WrongMode> wrong = wrongModes();
    for (WrongMode w : wrong) {
      setMode(w.directory(), w.queue());
    }
    return wrong;
  }

  /** The file of {@code id} in the first of {@code queues} that has it. */
  public Optional<Located> find(QueueId id, List<QueueName> queues) {
    for (QueueName queue : queues) {
      Path p = path(queue, id);
      if (Files.isRegularFile(p)) {
        return Optional.of(new Located(queue, id, p));
      }
    }
    return Optional.empty();
  }

  /** A queue file found on disk. */
  public record Located(QueueName queue, QueueId id, Path path) {}

  /**
   * Moves the file of {@code id} from {@code from} to {@code to} by one rename. Returns false when
   * the file is not in {@code from} (someone else moved or removed it).
   */
  public boolean move(QueueId id, QueueName from, QueueName to) throws IOException {
    return rename(path(from, id), path(to, id), to);
  }

  /** Renames {@code source} to {@code target} inside {@code queue}, making hash directories. */
  boolean rename(Path source, Path target, QueueName queue) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (NoSuchFileException e) {
      if (!Files.exists(source)) {
        return false;
      }
    }
    makeParents(target, queue);
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void makeParents(Path target, QueueName queue) throws IOException {
    List<Path> missing = new ArrayList<>();
    Path top = directory(queue);
    for (Path p = target.getParent(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(0, p);
      if (p.equals(top)) {
        break;
      }
    }
    for (Path p : missing) {
      createDirectory(p, queue);
    }
  }

  /** The queue ids in {@code queue}, hash subdirectories included, in no particular order. */
  public List<Located> list(QueueName queue) throws IOException {
    List<Located> found = new ArrayList<>();
    Path dir = directory(queue);
    if (Files.isDirectory(dir)) {
      collect(queue, dir, queue == QueueName.MAILDROP ? 0 : hashQueueDepth, found);
    }
    return found;
  }

  private void collect(QueueName queue, Path dir, int depth, List<Located> found)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (Files.isDirectory(entry)) {
          if (depth > 0 && name.length() == 1) {
            collect(queue, entry, depth - 1, found);
          }
        } else if (QueueId.isValid(name) && Files.isRegularFile(entry)) {
          found.add(new Located(queue, QueueId.of(name), entry));
        }
      }
    } catch (NoSuchFileException e) {
      // a hash directory removed by postsuper -s while we looked: nothing to list
    }
  }

  /** A file just made for a queue file being written: where it is, open for writing. */
  record NewFile(Path path, FileChannel channel, long inode) {}

  /** A new, empty file in {@code tmp}, mode 0600, for a queue file being written. */
  NewFile createTemporaryFile() throws IOException {
    Path tmp = directory(QueueName.TMP);
    createDirectory(tmp, QueueName.TMP);
    return createExclusive(tmp, PosixFilePermissions.fromString(TMP_FILE_MODE),
        Queues::temporaryName);
  }

  /**
   * A new, empty file in maildrop for sendmail, named {@code t...} (never a queue id, so pickup
   * leaves it alone until it is renamed), mode {@value #MAILDROP_FILE_MODE} whatever the umask.
   * Only the maildrop directory need be writable: an ordinary user cannot write tmp/.
   */
  NewFile createMaildropTemporaryFile() throws IOException {
    Path maildrop = directory(QueueName.MAILDROP);
    createDirectory(maildrop, QueueName.MAILDROP);
    return createExclusive(maildrop, PosixFilePermissions.fromString(MAILDROP_FILE_MODE),
        Queues::temporaryName);
  }

  /**
   * {@value #MAILDROP_TEMPORARY_PREFIX}, the process id, a dot and a random number: the dot makes
   * it no queue id. Not Files.createTempFile: its SecureRandom costs a short-lived sendmail more
   * than the rest of the file's creation, and names need only be unique, since a taken name is
   * retried.
   */
  static String temporaryName() {
    return MAILDROP_TEMPORARY_PREFIX + PID + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  /**
   * Creates a file named by {@code names} in {@code dir} with O_EXCL (an existing name, a symbolic
   * link included, is never opened but retried with the next name) and {@code mode}, which the
   * umask may not narrow; opens it once, for writing.
   */
  static NewFile createExclusive(Path dir, Set<PosixFilePermission> mode, Supplier<String> names)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      Path file = dir.resolve(names.get());
      FileChannel channel;
      try {
        channel = open(file, mode);
      } catch (FileAlreadyExistsException e) {
        if (attempt == CREATE_ATTEMPTS) {
          throw e;
        }
        continue;
      }
      try {
        Map<String, Object> a = Files.readAttributes(file, "unix:ino,mode",
            LinkOption.NOFOLLOW_LINKS);
        if (((Integer) a.get("mode") & MODE_BITS) != modeBits(mode)) {
          Files.setPosixFilePermissions(file, mode); // the umask took a bit
        }
        return new NewFile(file, channel, (Long) a.get("ino"));
      } catch (IOException | RuntimeException e) {
        channel.close();
        Files.deleteIfExists(file);
        throw e;
      }
    }
  }

  private static FileChannel open(Path file, Set<PosixFilePermission> mode) throws IOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    try {
      return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(mode));
    } catch (UnsupportedOperationException e) {
      return FileChannel.open(file, options);
    }
  }

  private static int modeBits(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 0400 >> p.ordinal();
    }
    return bits;
  }

  /** Makes the queue's directory exist, so that a rename into it can succeed. */
  void prepare(QueueName queue, QueueId id) throws IOException {
    makeParents(path(queue, id), queue);
  }

  /**
   * Moves a corrupt queue file to the corrupt queue and logs why, as qmgr does with a file it
   * cannot read: the message is kept for the postmaster, never delivered, and the caller carries
   * on. Returns false when the file was gone already.
   */
  public boolean saveCorrupt(Located file, String reason) throws IOException {
    // Looked up here, not in a static field: finding the logger scans every jar on the class
    // path, a cost sendmail would pay on each run for a message it almost never logs.
    System.Logger log = System.getLogger("org.postern.queue");
    log.log(System.Logger.Level.WARNING, file.id() + ": corrupt queue file: " + reason);
    log.log(System.Logger.Level.WARNING, "saving corrupt file \"" + file.id() + "\" from queue \""
        + file.queue() + "\" to queue \"" + QueueName.CORRUPT + "\"");
    return rename(file.path(), path(QueueName.CORRUPT, file.id()), QueueName.CORRUPT);
  }

  /** Forces a directory's entries to disk, so that a completed rename survives a crash. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * {@link #syncDirectory} for maildrop, which an ordinary user may write but not open (mode
   * 3733): then the rename reaches the disk with the file system's next commit, as a Postfix
   * postdrop's does, and a crash before it leaves a temporary file that pickup removes.
   */
  static void syncDirectoryIfReadable(Path dir) throws IOException {
    try {
      syncDirectory(dir);
    } catch (AccessDeniedException e) {
      // not the maildrop owner: see above
    }
  }
}
