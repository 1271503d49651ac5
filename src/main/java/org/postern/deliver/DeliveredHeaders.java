package org.postern.deliver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.postern.queue.QueueFileReader;

/**
 * Postfix's {@code delivered_hdr(3)}: the {@code Delivered-To:} addresses in a message's primary
 * header, for mail-loop detection by the agents that add such a header (local, virtual, pipe with
 * flag D). Addresses compare case-insensitively.
 *
 * <p>Failure: an unreadable queue file is an IOException; the caller defers the request.
 */
public final class DeliveredHeaders {
  private static final String NAME = "delivered-to:";

  private final Set<String> addresses;

  private DeliveredHeaders(Set<String> addresses) {
    this.addresses = Set.copyOf(addresses);
  }

  /** Reads the header of the message in {@code request} up to the first empty line. */
  public static DeliveredHeaders read(DeliveryRequest request) throws IOException {
    Set<String> found = new HashSet<>();
    boolean[] inHeader = {true};
    StringBuilder line = new StringBuilder();
    try (QueueFileReader reader = QueueFileReader.open(request.message().path())) {
      reader.readContent((data, complete) -> {
        if (!inHeader[0]) {
          return;
        }
        line.append(new String(data, StandardCharsets.UTF_8));
        if (!complete) {
          return;
        }
        String text = line.toString();
        line.setLength(0);
        if (text.isEmpty()) {
          inHeader[0] = false;
        } else if (text.regionMatches(true, 0, NAME, 0, NAME.length())) {
          found.add(text.substring(NAME.length()).strip().toLowerCase(Locale.ROOT));
        }
      });
    }
    return new DeliveredHeaders(found);
  }

  /** The header already names {@code address}: delivering again would loop. */
  public boolean contains(String address) {
    return addresses.contains(address.toLowerCase(Locale.ROOT));
  }
}
