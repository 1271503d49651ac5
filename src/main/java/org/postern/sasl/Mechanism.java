package org.postern.sasl;

import java.util.Set;

/**
 * One SASL mechanism the auth server offers ({@code MECH} line): its name and Dovecot's property
 * words ({@code plaintext}, {@code anonymous}, {@code dictionary}, {@code active}, {@code
 * forward-secrecy}, {@code mutual-auth}), lower case.
 */
public record Mechanism(String name, Set<String> properties) {
  public Mechanism {
    properties = Set.copyOf(properties);
  }
}
