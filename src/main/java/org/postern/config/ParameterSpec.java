package org.postern.config;

/**
 * One parameter Postern knows: its name, the default text exactly as Postfix's
 * {@code postconf -d} prints it (before expansion), its type, and for times the unit a bare
 * number is in.
 */
public record ParameterSpec(String name, String defaultText, ParameterType type, char timeUnit) {
  public ParameterSpec {
    if (!MainCf.isValidName(name)) {
      throw new IllegalArgumentException("bad parameter name: " + name);
    }
    if (type == ParameterType.TIME && "smhdw".indexOf(timeUnit) < 0) {
      throw new IllegalArgumentException(name + ": time parameter needs a unit s, m, h, d or w");
    }
  }
}
