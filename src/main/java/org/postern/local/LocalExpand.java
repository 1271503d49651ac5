package org.postern.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postern.util.MacroExpansion;

/**
 * Postfix's {@code local_expand(3)}: the {@code $name} expansion of forward_path and
 * mailbox_command ({@link MacroExpansion}, with all its forms) over the recipient's attributes from
 * {@link RecipientAttributes}. Values are substituted once, never expanded in turn (an address
 * may contain a {@code $}), and their characters outside the filter become underscores, so that a
 * recipient cannot smuggle shell syntax into a command or a path (command_expansion_filter,
 * forward_expansion_filter).
 *
 * <p>Failure: a malformed value is an IllegalArgumentException, for which a mailbox_command
 * delivery defers (4.3.5); in forward_path only that entry is skipped, with a warning, as is an
 * entry that names an attribute local does not have.
 */
final class LocalExpand {
  private static final System.Logger LOG = System.getLogger("org.postern.local");
  /** Postfix splits forward_path on commas and whitespace, before expansion. */
  private static final String SEPARATORS = "[, \t\r\n]+";

  private LocalExpand() {}

  /** {@code text} expanded with {@code attributes}; unknown names expand to nothing. */
  static String expand(String text, Map<String, String> attributes, String filter) {
    return MacroExpansion.expand(text, attributes::get, filter);
  }

  /** The files forward_path names for this recipient, in order, as Postfix's dotforward(). */
  static List<String> forwardFiles(String forwardPath, Map<String, String> attributes,
      String filter) {
    List<String> files = new ArrayList<>();
    for (String item : forwardPath.strip().split(SEPARATORS)) {
      if (item.isEmpty()) {
        continue;
      }
      try {
        MacroExpansion.Result r =
            MacroExpansion.expand(item, attributes::get, MacroExpansion.Flags.filter(filter));
        if (r.undefined().isEmpty()) {
          files.add(r.value());
        }
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.WARNING, "forward_path: " + e.getMessage());
      }
    }
    return files;
  }
}
