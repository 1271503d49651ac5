/**
 * Utilities with no mail knowledge: list splitting, IDNA conversion, option parsing.
 *
 * <p>Like Postfix's {@code util/} directory, nothing here may import any other Postern package;
 * the architecture test enforces that.
 */
package org.postern.util;
