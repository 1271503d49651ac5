package org.postern.deliver;

/**
 * trivial-rewrite's resolve service, Postfix's {@code resolve_clnt(3)}: where a recipient
 * address is delivered (address class, transport, next hop, and the address to use there).
 *
 * <p>Failure: a lookup table that cannot answer is a {@link ResolveException}; qmgr defers the
 * recipient, never guesses.
 */
@FunctionalInterface
public interface AddressResolver {
  Resolution resolve(String address) throws ResolveException;

  /**
   * Where {@code address} goes for mail from {@code sender} (empty for the null sender), as
   * Postfix's {@code resolve_clnt_query_from()}: a resolver with sender-dependent routing
   * overrides this; the others route without the sender.
   */
  default Resolution resolve(String sender, String address) throws ResolveException {
    return resolve(address);
  }
}
