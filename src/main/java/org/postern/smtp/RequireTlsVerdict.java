package org.postern.smtp;

/**
 * The outcome of evaluating a REQUIRETLS policy for one next hop: an action and the policy item
 * that chose it, or a policy error. A policy error makes the delivery defer; it never means "no
 * enforcement".
 */
public sealed interface RequireTlsVerdict {

  /** One line for operators and logs: {@code enforce (default: no match)}. */
  String describe();

  /** An action and where it came from. */
  record Chosen(RequireTlsAction action, Source source) implements RequireTlsVerdict {
    @Override
    public String describe() {
      return action.postfixName() + " (" + source.describe() + ")";
    }
  }

  /** The policy could not be evaluated; {@code reason} names the parameter or table at fault. */
  record PolicyError(String reason) implements RequireTlsVerdict {
    @Override
    public String describe() {
      return "error (" + reason + ")";
    }
  }

  /** Which part of the policy decided. */
  sealed interface Source {
    String describe();
  }

  /** Nothing in the policy matched: the built-in default. */
  record NoMatch() implements Source {
    @Override
    public String describe() {
      return "default: no match";
    }
  }

  /** A non-ASCII next-hop name with no A-label form: the built-in default, without lookups. */
  record MalformedName() implements Source {
    @Override
    public String describe() {
      return "default: malformed next-hop name";
    }
  }

  /** A bare action word in the policy was reached. */
  record PolicyItem(String word) implements Source {
    @Override
    public String describe() {
      return "policy item: " + word;
    }
  }

  /** A table answered: its spec (inline text shortened) and the key that matched. */
  record TableMatch(String table, String key) implements Source {
    @Override
    public String describe() {
      return table + ": " + key;
    }
  }
}
