package org.postern.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.milter.Edit;
import org.postern.milter.MilterMessage;
import org.postern.milter.Milters;
import org.postern.queue.DsnNotify;
import org.postern.queue.Recipient;

/**
 * The message as the milters change it at end of data: the processed headers and body read back
 * from the spool, the envelope sender and recipients, and each {@link Edit} applied in Postfix's
 * terms. Header changes count instances of a name among the headers as received, without
 * smtpd's own Received: header, which the milters never see; inserts count from the top of the
 * message as delivered, that header included. Added recipients and a new sender are rewritten as
 * cleanup rewrites any address (canonical and virtual alias maps).
 *
 * <p>Only the edits are kept in memory with the headers; the body stays in the spool unless a
 * milter replaces it. {@link #writeTo} writes the edited content when {@link #contentChanged}.
 *
 * <p>Failure: I/O errors reading the spool propagate.
 */
final class MilterEditor implements Milters.Editor {
  /** Rewrites addresses that milters add: the sender, and a recipient into its expansion. */
  interface Rewriting {
    String sender(String address);

    List<String> recipient(String address);
  }

  /**
   * milter_header_checks on a header a milter adds or changes: the text to store, or empty to
   * drop it.
   */
  interface HeaderFilter {
    Optional<String> check(String header);
  }

  private final List<byte[]> headers = new ArrayList<>();
  /** smtpd's own Received: header, which milters never see; null when there is none. */
  private final byte[] hidden;
  private final ContentSpool spool;
  private final long bodyOffset;
  private final Rewriting rewriting;
  private final ActionLogger log;
  private HeaderFilter filter = Optional::of;
  private byte[] replacedBody;
  private boolean contentChanged;
  private String sender;
  private final List<Recipient> recipients;

  private MilterEditor(ContentSpool spool, List<byte[]> headers, byte[] hidden, long bodyOffset,
      String sender, List<Recipient> recipients, Rewriting rewriting, ActionLogger log) {
    this.spool = spool;
    this.headers.addAll(headers);
    this.hidden = hidden;
    this.bodyOffset = bodyOffset;
    this.sender = sender;
    this.recipients = new ArrayList<>(recipients);
    this.rewriting = rewriting;
    this.log = log;
  }

  /**
   * Reads the headers back from the spool; {@code hideReceived} hides a first Received: header
   * (smtpd's own).
   */
  static MilterEditor read(ContentSpool spool, boolean hideReceived, String sender,
      List<Recipient> recipients, Rewriting rewriting, ActionLogger log) throws IOException {
    List<byte[]> headers = new ArrayList<>();
    long offset = 0;
    try (InputStream in = spool.open()) {
      ByteArrayOutputStream current = null;
      while (true) {
        byte[] line = readLine(in);
        if (line == null) {
          break;
        }
        int length = line[line.length - 1] == '\n' ? line.length - 1 : line.length;
        boolean continuation = length > 0 && (line[0] == ' ' || line[0] == '\t');
        if (continuation && current != null) {
          current.write('\n');
          current.write(line, 0, length);
          offset += line.length;
          continue;
        }
        if (current != null) {
          headers.add(current.toByteArray());
          current = null;
        }
        if (Header.nameLength(line, length) > 0) {
          current = new ByteArrayOutputStream();
          current.write(line, 0, length);
          offset += line.length;
          continue;
        }
        if (line.length == 1 && line[0] == '\n') {
          offset += 1;
        }
        break;
      }
      if (current != null) {
        headers.add(current.toByteArray());
      }
    }
    // smtpd writes its Received: header above the client's content (access-table PREPENDs may
    // come before it), so the first Received: header is smtpd's own.
    byte[] hidden = !hideReceived ? null : headers.stream()
        .filter(h -> nameOf(h).equalsIgnoreCase("Received")).findFirst().orElse(null);
    return new MilterEditor(spool, headers, hidden, offset, sender, recipients, rewriting, log);
  }

  /** One line with its LF, or the rest without one; null at the end. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      if (c == '\n') {
        return b.toByteArray();
      }
    }
    return b.size() == 0 ? null : b.toByteArray();
  }

  /** Sets milter_header_checks for the headers milters add or change. */
  void filter(HeaderFilter headerFilter) {
    filter = headerFilter;
  }

  @Override
  public MilterMessage message() {
    List<MilterMessage.Header> visible = new ArrayList<>();
    for (byte[] raw : headers) {
      if (raw == hidden) {
        continue;
      }
      String text = new String(raw, StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      visible.add(new MilterMessage.Header(text.substring(0, colon).strip(), text.substring(colon + 1)));
    }
    return new MilterMessage(visible, this::body);
  }

  private InputStream body() throws IOException {
    if (replacedBody != null) {
      return new java.io.ByteArrayInputStream(replacedBody);
    }
    InputStream in = spool.open();
    in.skipNBytes(bodyOffset);
    return in;
  }

  @Override
  public void apply(List<Edit> edits) {
    for (Edit e : edits) {
      switch (e) {
        case Edit.AddHeader a -> addHeader(headers.size(), a.name(), a.value(), a.leadingSpace());
        case Edit.InsertHeader i ->
            addHeader(Math.min(i.index(), headers.size()), i.name(), i.value(), i.leadingSpace());
        case Edit.ChangeHeader c -> changeHeader(c);
        case Edit.AddRecipient a -> addRecipient(a.address(), a.parameters());
        case Edit.DeleteRecipient d -> deleteRecipient(d.address());
        case Edit.ChangeSender c -> changeSender(c.address(), c.parameters());
        case Edit.ReplaceBody r -> {
          replacedBody = lfLineEnds(r.body());
          contentChanged = true;
        }
      }
    }
  }

  private void addHeader(int position, String name, String value, boolean leadingSpace) {
    filtered(name, value, leadingSpace).ifPresent(h -> headers.add(position, h));
    contentChanged = true;
  }

  private Optional<byte[]> filtered(String name, String value, boolean leadingSpace) {
    String text = new String(format(name, value, leadingSpace), StandardCharsets.UTF_8);
    return filter.check(text).map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  private void changeHeader(Edit.ChangeHeader c) {
    int seen = 0;
    for (int i = 0; i < headers.size(); i++) {
      if (headers.get(i) != hidden && nameOf(headers.get(i)).equalsIgnoreCase(c.name())
          && ++seen == c.index()) {
        Optional<byte[]> replacement = c.deletes()
            ? Optional.empty() : filtered(c.name(), c.value(), c.leadingSpace());
        if (replacement.isPresent()) {
          headers.set(i, replacement.get());
        } else {
          headers.remove(i);
        }
        contentChanged = true;
        return;
      }
    }
    // Postfix (and Sendmail) add a header that is to be changed but not there.
    if (!c.deletes()) {
      addHeader(headers.size(), c.name(), c.value(), c.leadingSpace());
    }
  }

  private static String nameOf(byte[] raw) {
    return new String(raw, 0, Header.nameLength(raw, raw.length), StandardCharsets.US_ASCII);
  }

  private static byte[] format(String name, String value, boolean leadingSpace) {
    String v = value.replace("\r\n", "\n");
    return (name + ":" + (leadingSpace ? "" : " ") + v).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] lfLineEnds(byte[] crlf) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(crlf.length);
    for (int i = 0; i < crlf.length; i++) {
      if (crlf[i] == '\r' && i + 1 < crlf.length && crlf[i + 1] == '\n') {
        continue;
      }
      out.write(crlf[i]);
    }
    return out.toByteArray();
  }

  private void addRecipient(String external, String parameters) {
    String address = internal(external);
    Optional<String> orcpt = Optional.empty();
    Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
    for (String p : parameters.split(" ")) {
      String upper = p.toUpperCase(Locale.ROOT);
      if (upper.startsWith("NOTIFY=")) {
        for (String f : upper.substring(7).split(",")) {
          try {
            notify.add(DsnNotify.valueOf(f));
          } catch (IllegalArgumentException ex) {
            log.warning(log.queueId() + ": milter: ignoring bad NOTIFY value in " + p);
          }
        }
      } else if (upper.startsWith("ORCPT=")) {
        orcpt = Optional.of(p.substring(6));
      } else if (!p.isEmpty()) {
        log.warning(log.queueId() + ": milter: ignoring ESMTP parameter " + p + " of added recipient " + external);
      }
    }
    if (notify.contains(DsnNotify.NEVER) && notify.size() > 1) {
      notify = EnumSet.of(DsnNotify.NEVER);
    }
    for (String expanded : rewriting.recipient(address)) {
      recipients.add(new Recipient(expanded, Optional.of(address), orcpt, notify, false, -1));
    }
  }

  private void deleteRecipient(String external) {
    String address = internal(external);
    recipients.removeIf(r -> !r.done() && r.originalRecipient().orElse(r.address()).equals(address));
  }

  private void changeSender(String external, String parameters) {
    if (!parameters.isBlank()) {
      log.warning(log.queueId() + ": milter: ignoring ESMTP parameters of new sender: " + parameters);
    }
    sender = rewriting.sender(internal(external));
  }

  /** {@code <a@b>} as {@code a@b}; a milter may send either form. */
  private static String internal(String external) {
    String a = external.strip();
    return a.startsWith("<") && a.endsWith(">") ? a.substring(1, a.length() - 1) : a;
  }

  boolean contentChanged() {
    return contentChanged;
  }

  String sender() {
    return sender;
  }

  List<Recipient> recipients() {
    return List.copyOf(recipients);
  }

  /** True when a header named {@code name} (any case) is present. */
  boolean hasHeader(String name) {
    return headers.stream().anyMatch(h -> nameOf(h).equalsIgnoreCase(name));
  }

  /** Appends a header that must stay (the REQUIRETLS mark's Require-TLS-ESMTP). */
  void restoreHeader(String text) {
    headers.add(text.getBytes(StandardCharsets.UTF_8));
    contentChanged = true;
  }

  /** The edited content: headers, the empty line, the body; LF line ends as in the spool. */
  void writeTo(OutputStream out) throws IOException {
    for (byte[] h : headers) {
      out.write(h);
      out.write('\n');
    }
    out.write('\n');
    try (InputStream in = body()) {
      in.transferTo(out);
    }
  }
}
