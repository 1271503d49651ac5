package org.postern.queue;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One envelope recipient: the address to deliver to, the address as the client first gave it
 * (before alias or virtual rewriting), the DSN ORCPT and NOTIFY parameters, and whether delivery
 * to it is complete. {@code offset} is where its record sits in the queue file (-1 before it is
 * written); {@link QueueFileMarker#markDone} uses it to flip the done mark in place.
 *
 * <p>An empty {@code notifyFlags} means the client gave no NOTIFY parameter.
 */
public record Recipient(
    String address,
    Optional<String> originalRecipient,
    Optional<String> dsnOrcpt,
    Set<DsnNotify> notifyFlags,
    boolean done,
    long offset) {

  public Recipient {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(originalRecipient, "originalRecipient");
    Objects.requireNonNull(dsnOrcpt, "dsnOrcpt");
    notifyFlags = notifyFlags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(notifyFlags));
    if (notifyFlags.contains(DsnNotify.NEVER) && notifyFlags.size() > 1) {
      throw new IllegalArgumentException("NOTIFY=NEVER combined with other values: " + notifyFlags);
    }
  }

  /** A recipient with no DSN parameters whose original address is {@code address}. */
  public static Recipient of(String address) {
    return new Recipient(address, Optional.of(address), Optional.empty(), Set.of(), false, -1);
  }

  public Recipient withOriginalRecipient(String original) {
    return new Recipient(address, Optional.of(original), dsnOrcpt, notifyFlags, done, offset);
  }

  public Recipient withDsn(String orcpt, Set<DsnNotify> flags) {
    return new Recipient(
        address, originalRecipient, Optional.ofNullable(orcpt), flags, done, offset);
  }
}
