"""A STARTTLS-capable aiosmtpd server for the SMTP client's integration tests.

usage: aiosmtpd_tls_server.py PORT CERT KEY [requiretls]
With "requiretls" the server announces REQUIRETLS after STARTTLS and accepts the MAIL FROM
parameter. Prints READY when listening, then one line per accepted message:
DELIVERED <rcpts> tls=<True|False> requiretls=<True|False>. Stops when stdin closes.
"""
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class RequireTlsSmtp(SMTP):
    """aiosmtpd with the RFC 8689 MAIL FROM parameter, remembered per transaction."""

    async def smtp_MAIL(self, arg):
        words = (arg or "").split()
        self.session.requiretls = any(w.upper() == "REQUIRETLS" for w in words)
        await super().smtp_MAIL(" ".join(w for w in words if w.upper() != "REQUIRETLS"))


class Handler:
    def __init__(self, announce):
        self.announce = announce

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.announce and session.ssl is not None:
            responses.insert(len(responses) - 1, "250-REQUIRETLS")
        return responses

    async def handle_DATA(self, server, session, envelope):
        tls = session.ssl is not None
        requiretls = getattr(session, "requiretls", False)
        print("DELIVERED %s tls=%s requiretls=%s" % (",".join(envelope.rcpt_tos), tls, requiretls),
              flush=True)
        return "250 2.0.0 Ok: queued"


class TlsController(Controller):
    def factory(self):
        return RequireTlsSmtp(self.handler, **self.SMTP_kwargs)


def main():
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    announce = len(sys.argv) > 4 and sys.argv[4] == "requiretls"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = TlsController(Handler(announce), hostname="127.0.0.1", port=port,
                               tls_context=context, require_starttls=False)
    controller.start()
    print("READY", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
