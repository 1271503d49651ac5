package org.postern.cleanup;

import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * Opens a lookup table named {@code type:name} (canonical_maps, virtual_alias_maps,
 * header_checks and body_checks entries). Cleanup does not know table types itself, so that
 * it depends only on the {@link LookupTable} interface.
 */
@FunctionalInterface
public interface TableOpener {
  LookupTable open(String spec) throws TableException;
}
