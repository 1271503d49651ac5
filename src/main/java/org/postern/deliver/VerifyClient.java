package org.postern.deliver;

/**
 * Postfix's {@code verify_clnt(3)}: how smtpd asks the address verification service (verify(8))
 * what it knows about an address, and how the queue manager reports what an address probe found.
 * In one JVM the master joins both ends to the running {@code verify} service.
 *
 * <p>Failure: a {@link VerifyException} is Postfix's {@code VRFY_STAT_FAIL}: no verify service
 * runs, or its cache cannot be read or written. smtpd then answers {@code 450 ... address
 * verification problem}; the queue manager leaves the probe recipient pending.
 */
public interface VerifyClient {

  /** The address status of a cache entry, Postfix's {@code DEL_RCPT_STAT_*}. */
  enum AddressStatus {
    /** A probe was accepted: deliverable. */
    OK(0),
    /** A probe was deferred: undeliverable for now. */
    DEFER(1),
    /** A probe was refused: undeliverable. */
    BOUNCE(2),
    /** Nothing known yet; a probe is in flight. */
    TODO(3);

    private final int code;

    AddressStatus(int code) {
      this.code = code;
    }

    /** The number Postfix stores in {@code address_verify_map} entries. */
    public int code() {
      return code;
    }

    /** The status for Postfix's number, or null for a number that is none. */
    public static AddressStatus ofCode(int code) {
      for (AddressStatus s : values()) {
        if (s.code == code) {
          return s;
        }
      }
      return null;
    }
  }

  /** What the service knows about an address: its status and the delivery agent's text. */
  record Answer(AddressStatus status, String text) {}

  /** The service could not answer or record: Postfix's {@code VRFY_STAT_FAIL}. */
  final class VerifyException extends Exception {
    private static final long serialVersionUID = 1L;

    public VerifyException(String message) {
      super(message);
    }

    public VerifyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The client of a mail system without a verify service: every request fails. */
  VerifyClient UNAVAILABLE =
      new VerifyClient() {
        @Override
        public Answer query(String address) throws VerifyException {
          throw new VerifyException("verify service is not running");
        }

        @Override
        public void update(String address, AddressStatus status, String text)
            throws VerifyException {
          throw new VerifyException("verify service is not running");
        }

        @Override
        public boolean negativeCache() {
          return true;
        }
      };

  /**
   * The status of {@code address}; when it is unknown or due for a refresh, the service also
   * sends a probe, and an unknown address answers {@link AddressStatus#TODO}.
   */
  Answer query(String address) throws VerifyException;

  /** Records what a probe of {@code address} found. */
  void update(String address, AddressStatus status, String text) throws VerifyException;

  /** {@code address_verify_negative_cache}: whether failed probes are recorded at all. */
  boolean negativeCache();
}
