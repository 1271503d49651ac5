/**
 * Utilities with no mail knowledge: list splitting, IDNA conversion, option parsing, and Postfix's
 * {@code $name} expansion ({@link org.postern.util.MacroExpansion}, util/mac_expand.c), which each
 * caller feeds with its own names and values.
 *
 * <p>Like Postfix's {@code util/} directory, nothing here may import any other Postern package;
 * the architecture test enforces that.
 */
package org.postern.util;
