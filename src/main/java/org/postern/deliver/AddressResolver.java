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
}
