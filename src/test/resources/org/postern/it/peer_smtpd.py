"""A recording SMTP server on Debian's python3-aiosmtpd for Postern's end-to-end tests.

usage: peer_smtpd.py HOST PORT [--tls CERT KEY] [--requiretls] [--no-8bitmime] [--no-smtputf8]
                     [--reject-rcpt LOCALPART] [--close-at-ehlo]

Prints READY once listening, then one line per event, fields separated by one space:
  CONNECT <conn>
  MAIL <conn> <tls> <address> <parameters...>
  DATA <conn> <tls> <requiretls> <rcpt,rcpt> <base64 of the content as received>
where <conn> numbers the connections from 1 and <tls> is True or False. --requiretls announces
REQUIRETLS after STARTTLS; --no-8bitmime and --no-smtputf8 withhold those EHLO keywords;
--reject-rcpt (repeatable) answers 550 to that local part; --close-at-ehlo drops the connection when the
client sends EHLO (a lost connection). Stops when stdin closes.
"""
import argparse
import base64
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


def emit(*fields):
    print(" ".join(str(f) for f in fields), flush=True)


class CountingSmtp(SMTP):
    """aiosmtpd numbering its connections and keeping MAIL FROM's parameters as sent."""

    connections = 0

    def connection_made(self, transport):
        # aiosmtpd calls this again when STARTTLS completes: the same connection, not a new one.
        if getattr(self, "_original_transport", None) is None:
            CountingSmtp.connections += 1
            self.conn = CountingSmtp.connections
            emit("CONNECT", self.conn)
        super().connection_made(transport)

    async def smtp_EHLO(self, hostname):
        # Handlers of other scripts (reinject_filter.py) have no such option.
        if getattr(self.event_handler.args, "close_at_ehlo", False):
            self.transport.close()
            return
        await super().smtp_EHLO(hostname)

    async def smtp_MAIL(self, arg):
        words = (arg or "").split()
        if words:
            emit("MAIL", self.conn, self.session.ssl is not None, *words)
        self.session.requiretls = any(w.upper() == "REQUIRETLS" for w in words)
        self.session.conn = self.conn
        kept = [w for w in words if w.upper() not in ("REQUIRETLS",)]
        await super().smtp_MAIL(" ".join(kept))


class Handler:
    def __init__(self, args):
        self.args = args

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        withheld = set()
        if self.args.no_8bitmime:
            withheld.add("8BITMIME")
        if self.args.no_smtputf8:
            withheld.add("SMTPUTF8")
        kept = [r for r in responses if r[4:].split(" ")[0].upper() not in withheld]
        if self.args.requiretls and session.ssl is not None:
            kept.insert(len(kept) - 1, "250-REQUIRETLS")
        last = kept[-1]
        kept[-1] = last[:3] + " " + last[4:]
        kept[:-1] = [r[:3] + "-" + r[4:] for r in kept[:-1]]
        return kept

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0] in (self.args.reject_rcpt or []):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        emit("DATA", session.conn, session.ssl is not None, getattr(session, "requiretls", False),
             ",".join(envelope.rcpt_tos), base64.b64encode(envelope.original_content).decode())
        return "250 2.0.0 Ok: queued"


class CountingController(Controller):
    def factory(self):
        return CountingSmtp(self.handler, **self.SMTP_kwargs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--tls", nargs=2)
    p.add_argument("--requiretls", action="store_true")
    p.add_argument("--no-8bitmime", action="store_true")
    p.add_argument("--no-smtputf8", action="store_true")
    p.add_argument("--reject-rcpt", action="append")
    p.add_argument("--close-at-ehlo", action="store_true")
    args = p.parse_args()
    kwargs = {}
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls[0], args.tls[1])
        kwargs = {"tls_context": context, "require_starttls": False}
    controller = CountingController(Handler(args), hostname=args.host, port=args.port,
                                    enable_SMTPUTF8=not args.no_smtputf8, decode_data=False,
                                    **kwargs)
    controller.start()
    emit("READY")
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
