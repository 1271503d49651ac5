"""A STARTTLS aiosmtpd server that reports the TLS protocol and cipher of each message.

usage: aiosmtpd_tls_report_server.py HOST PORT CERT KEY [requiretls]
With "requiretls" the server announces REQUIRETLS after STARTTLS and accepts the MAIL FROM
parameter. Prints READY when listening, then one line per accepted message:
DELIVERED <rcpts> protocol=<TLSv1.2|TLSv1.3|none> cipher=<OpenSSL name|none> requiretls=<True|False>.
Stops when stdin closes.
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
        protocol, cipher = "none", "none"
        if session.ssl is not None:
            ssl_object = session.ssl["ssl_object"]
            protocol = ssl_object.version()
            cipher = ssl_object.cipher()[0]
        requiretls = getattr(session, "requiretls", False)
        print("DELIVERED %s protocol=%s cipher=%s requiretls=%s"
              % (",".join(envelope.rcpt_tos), protocol, cipher, requiretls), flush=True)
        return "250 2.0.0 Ok: queued"


class TlsController(Controller):
    def factory(self):
        return RequireTlsSmtp(self.handler, **self.SMTP_kwargs)


def main():
    host, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    announce = len(sys.argv) > 5 and sys.argv[5] == "requiretls"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    controller = TlsController(Handler(announce), hostname=host, port=port,
                               tls_context=context, require_starttls=False)
    controller.start()
    print("READY", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
