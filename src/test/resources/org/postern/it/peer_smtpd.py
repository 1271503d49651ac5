"""A recording SMTP server on Debian's python3-aiosmtpd for Postern's end-to-end tests.

usage: peer_smtpd.py HOST PORT [--tls CERT KEY] [--requiretls] [--no-8bitmime] [--no-smtputf8]
                     [--reject-rcpt LOCALPART] [--close-at-ehlo] [--lmtp] [--log-commands]

Prints READY once listening, then one line per event, fields separated by one space:
  CONNECT <conn>
  MAIL <conn> <tls> <address> <parameters...>
  DATA <conn> <tls> <requiretls> <rcpt,rcpt> <base64 of the content as received>
  COMMAND <conn> <verb> [<argument>]   (with --log-commands: RCPT, DATA, RSET, QUIT as sent)
where <conn> numbers the connections from 1 and <tls> is True or False. --requiretls announces
REQUIRETLS after STARTTLS; --no-8bitmime and --no-smtputf8 withhold those EHLO keywords;
--reject-rcpt (repeatable) answers 550 to that local part; --close-at-ehlo drops the connection when the
client sends EHLO (a lost connection); --lmtp speaks LMTP (LHLO; one reply after DATA, so one
recipient per transaction); --log-commands reports the transaction commands as the client sent
them, before the server answers. Stops when stdin closes.
"""
import argparse
import base64
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP


def emit(*fields):
    print(" ".join(str(f) for f in fields), flush=True)


class Counting:
    """aiosmtpd numbering its connections and keeping MAIL FROM's parameters as sent."""

    connections = 0

    def connection_made(self, transport):
        # aiosmtpd calls this again when STARTTLS completes: the same connection, not a new one.
        if getattr(self, "_original_transport", None) is None:
            Counting.connections += 1
            self.conn = Counting.connections
            emit("CONNECT", self.conn)
        super().connection_made(transport)

    def _log_command(self, verb, arg):
        if getattr(self.event_handler.args, "log_commands", False):
            emit("COMMAND", self.conn, verb, *((arg or "").split()[:1]))

    async def smtp_RCPT(self, arg):
        self._log_command("RCPT", arg)
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg):
        self._log_command("DATA", arg)
        await super().smtp_DATA(arg)

    async def smtp_RSET(self, arg):
        self._log_command("RSET", arg)
        await super().smtp_RSET(arg)

    async def smtp_QUIT(self, arg):
        self._log_command("QUIT", arg)
        await super().smtp_QUIT(arg)

    async def smtp_MAIL(self, arg):
        words = (arg or "").split()
        if words:
            emit("MAIL", self.conn, self.session.ssl is not None, *words)
        self.session.requiretls = any(w.upper() == "REQUIRETLS" for w in words)
        self.session.conn = self.conn
        kept = [w for w in words if w.upper() not in ("REQUIRETLS",)]
        await super().smtp_MAIL(" ".join(kept))


class CountingSmtp(Counting, SMTP):
    async def smtp_EHLO(self, hostname):
        # Handlers of other scripts (reinject_filter.py) have no such option.
        if getattr(self.event_handler.args, "close_at_ehlo", False):
            self.transport.close()
            return
        await super().smtp_EHLO(hostname)


class CountingLmtp(Counting, LMTP):
    pass


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
        lmtp = getattr(self.handler.args, "lmtp", False)
        return (CountingLmtp if lmtp else CountingSmtp)(self.handler, **self.SMTP_kwargs)


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
    p.add_argument("--lmtp", action="store_true")
    p.add_argument("--log-commands", action="store_true")
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
