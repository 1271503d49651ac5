#!/usr/bin/env python3
"""Small SMTP tools for bench/run, standard library only, loopback only.

  wait-listen --port P --timeout S   exit 0 once something accepts on P
  wait-banner --port P --timeout S   exit 0 once P answers with a 220 banner
  sink --port P --count N --cert F --key F [--requiretls] [--procs K]
        an SMTP sink offering STARTTLS (and REQUIRETLS) in K processes (default
        1): counts messages that ended with "." and got 250; exits after N (0:
        runs until killed).
  load --port P --count N --sessions S [--procs K] [--requiretls] [--size B]
       [--timeout S]
        S parallel sessions, spread over K processes, submit N messages in all
        over STARTTLS, one per session and lock-step (as smtp-source does),
        each MAIL FROM with REQUIRETLS if asked; prints "sent N seconds".
  handshakes --port P --count N --mode plain|full|resumed [--threads T]
        N sessions, T at a time (default 2): banner, EHLO, then (full, resumed)
        STARTTLS, the TLS handshake and EHLO again, QUIT; resumed offers the
        TLS session of the thread's first handshake each time. Prints "done K
        resumed R". For the server's CPU per session and per handshake.
  idle --port P --count N --timeout S
        opens N sessions that each read the banner, send EHLO, read the reply
        and then wait; prints "ready K" (K answered EHLO) and holds them until
        killed or --hold seconds pass.
  flood --port P --count N [--per-source K] [--dribble S] [--probes M]
        [--probe-timeout S]
        opens N connections, K per source address 127.0.1.x (at an anvil
        limit of K each), each sending one byte every S seconds and never a
        whole command; then M fresh clients, alternately from 127.0.0.1 and
        127.0.2.1, one after the other, and one more from the first flood
        address. Prints "greeting MS..." (time to the first reply line per
        fresh client, "timeout" after --probe-timeout), "greeted K/M" and
        "overlimit REPLY" (what the K+1st client of one address heard).
"""
import argparse
import asyncio
import multiprocessing
import os
import queue
import signal
import socket
import ssl
import sys
import threading
import time


def wait_listen(args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
            return 0
        except OSError:
            time.sleep(0.05)
    return 1


def wait_banner(args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", args.port), timeout=2) as s:
                if s.recv(512).startswith(b"220"):
                    s.sendall(b"QUIT\r\n")
                    return 0
        except OSError:
            pass
        time.sleep(0.1)
    return 1


class Sink:
    """Counts in COUNTS, shared by all sink processes: received, sessions, tls."""

    RECEIVED, SESSIONS, TLS = range(3)

    def __init__(self, args, counts, reached):
        self.count = args.count
        self.counts = counts
        self.reached = reached
        self.requiretls = args.requiretls
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(args.cert, args.key)

    def add(self, which):
        with self.counts.get_lock():
            self.counts[which] += 1
            return self.counts[which]

    async def session(self, reader, writer):
        self.add(Sink.SESSIONS)
        try:
            await self.converse(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def converse(self, reader, writer):
        writer.write(b"220 sink.test ESMTP bench sink\r\n")
        tls = False
        while True:
            line = await reader.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                ext = [b"250-sink.test", b"250-PIPELINING", b"250-8BITMIME", b"250-SIZE 0"]
                if not tls:
                    ext.append(b"250-STARTTLS")
                elif self.requiretls:
                    ext.append(b"250-REQUIRETLS")
                ext.append(b"250 ENHANCEDSTATUSCODES")
                writer.write(b"\r\n".join(ext) + b"\r\n")
            elif verb == b"STAR":
                writer.write(b"220 2.0.0 go ahead\r\n")
                await writer.drain()
                await writer.start_tls(self.tls)
                tls = True
                self.add(Sink.TLS)
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                await reader.readuntil(b"\r\n.\r\n")
                writer.write(b"250 2.0.0 Ok: discarded\r\n")
                await writer.drain()
                if self.add(Sink.RECEIVED) == self.count:
                    self.reached()
            elif verb == b"QUIT":
                writer.write(b"221 2.0.0 bye\r\n")
                await writer.drain()
                return
            else:  # MAIL, RCPT, RSET, NOOP
                writer.write(b"250 2.0.0 Ok\r\n")
            await writer.drain()

    async def serve(self, port, until):
        server = await asyncio.start_server(self.session, "127.0.0.1", port, backlog=256,
                                            reuse_port=True)
        async with server:
            await until()


def sink(args):
    """PROCS processes accept on one port (SO_REUSEPORT), so that the sink can
    use more than one core; the parent reports when COUNT messages are in."""
    counts = multiprocessing.Array("l", 3)
    if args.procs <= 1:
        async def alone():
            reached = asyncio.Event()
            await Sink(args, counts, reached.set).serve(args.port, reached.wait)
        asyncio.run(alone())
    else:
        reached = multiprocessing.Event()
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        children = [multiprocessing.Process(target=sink_process, args=(args, counts, reached),
                                            daemon=True) for _ in range(args.procs)]
        try:
            for c in children:
                c.start()
            while not reached.wait(1):
                pass
        finally:
            for c in children:
                c.terminate()
    print(f"received {counts[Sink.RECEIVED]} sessions {counts[Sink.SESSIONS]}"
          f" tls {counts[Sink.TLS]}", flush=True)


def sink_process(args, counts, reached):
    parent = os.getppid()

    async def orphaned():  # the parent stops its children; this is for when it died
        while os.getppid() == parent:
            await asyncio.sleep(1)

    asyncio.run(Sink(args, counts, reached.set).serve(args.port, orphaned))


def message(size):
    body = ("x" * 76 + "\r\n") * max(1, size // 78)
    return ("From: a@bench.test\r\nTo: b@sink.test\r\nSubject: bench\r\n\r\n" + body).encode()


class SmtpFailure(Exception):
    pass


class Replies:
    """Reads SMTP replies from a plain or TLS socket through one buffer."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def line(self):
        while True:
            end = self.buf.find(b"\n")
            if end >= 0:
                line = bytes(self.buf[:end + 1])
                del self.buf[:end + 1]
                return line
            data = self.sock.recv(4096)
            if not data:
                raise SmtpFailure("connection closed by server")
            self.buf += data

    def expect(self, code, after):
        while True:
            line = self.line()
            if line[3:4] != b"-":
                break
        if not line.startswith(code):
            raise SmtpFailure(f"after {after}: {line.decode(errors='replace').strip()}")


def one_session(port, ctx, mail, msg):
    """One message in one session, lock-step as smtp-source does it, but over
    STARTTLS: banner, EHLO, STARTTLS, EHLO, MAIL, RCPT, DATA, QUIT."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        replies = Replies(sock)
        replies.expect(b"220", "connect")
        sock.sendall(b"EHLO client.bench.test\r\n")
        replies.expect(b"250", "EHLO")
        sock.sendall(b"STARTTLS\r\n")
        replies.expect(b"220", "STARTTLS")
        sock = ctx.wrap_socket(sock)
        replies = Replies(sock)
        for command, code in ((b"EHLO client.bench.test", b"250"), (mail, b"250"),
                              (b"RCPT TO:<b@sink.test>", b"250"), (b"DATA", b"354")):
            sock.sendall(command + b"\r\n")
            replies.expect(code, command.split(b" ")[0].decode())
        sock.sendall(msg)
        replies.expect(b"250", "end of data")
        sock.sendall(b"QUIT\r\n")
        replies.expect(b"221", "QUIT")
    finally:
        sock.close()


def handshake_session(port, ctx, mode, session):
    """Banner, EHLO, [STARTTLS, handshake, EHLO], QUIT; the TLS session used."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        replies = Replies(sock)
        replies.expect(b"220", "connect")
        sock.sendall(b"EHLO client.bench.test\r\n")
        replies.expect(b"250", "EHLO")
        if mode != "plain":
            sock.sendall(b"STARTTLS\r\n")
            replies.expect(b"220", "STARTTLS")
            sock = ctx.wrap_socket(sock, session=session if mode == "resumed" else None)
            replies = Replies(sock)
            sock.sendall(b"EHLO client.bench.test\r\n")
            replies.expect(b"250", "EHLO after STARTTLS")
        sock.sendall(b"QUIT\r\n")
        replies.expect(b"221", "QUIT")
        return (sock.session, sock.session_reused) if mode != "plain" else (None, False)
    finally:
        sock.close()


def handshakes(args):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    lock = threading.Lock()
    counts = {"left": args.count, "done": 0, "resumed": 0, "failed": []}

    def worker():
        session = None
        while True:
            with lock:
                if counts["left"] == 0:
                    return
                counts["left"] -= 1
            try:
                got, reused = handshake_session(args.port, ctx, args.mode, session)
                session = session or got
                with lock:
                    counts["done"] += 1
                    counts["resumed"] += reused
            except (SmtpFailure, OSError) as e:
                with lock:
                    counts["failed"].append(str(e))

    pool = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    print(f"done {counts['done']} resumed {counts['resumed']}", flush=True)
    for f in counts["failed"][:5]:
        print(f"failure: {f}", file=sys.stderr)
    return 1 if counts["failed"] else 0


def load_process(args, remaining, threads, results):
    """One process of the load: THREADS sessions at a time, each taking the
    next message from the count shared by all processes."""
    msg = message(args.size) + b".\r\n"
    mail = b"MAIL FROM:<a@bench.test>" + (b" REQUIRETLS" if args.requiretls else b"")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + args.timeout
    failures = []
    sent = [0]

    def worker():
        while time.monotonic() < deadline:
            with remaining.get_lock():
                if remaining.value == 0:
                    return
                remaining.value -= 1
            try:
                one_session(args.port, ctx, mail, msg)
                sent[0] += 1
            except (SmtpFailure, OSError) as e:
                failures.append(str(e))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results.put((sent[0], len(failures), failures[:5]))


def load(args):
    """SESSIONS concurrent sessions spread over PROCS processes, so that the
    client is not bound to one core by Python's global interpreter lock."""
    procs = max(1, min(args.procs, args.sessions))
    remaining = multiprocessing.Value("l", args.count)
    results = multiprocessing.Queue()
    shares = [args.sessions // procs + (i < args.sessions % procs) for i in range(procs)]
    start = time.monotonic()
    workers = [multiprocessing.Process(target=load_process, args=(args, remaining, n, results))
               for n in shares]
    for w in workers:
        w.start()
    sent = failed = 0
    reasons = []
    for _ in workers:
        try:
            s, f, why = results.get(timeout=args.timeout + 60)
        except queue.Empty:
            break
        sent, failed, reasons = sent + s, failed + f, reasons + why
    elapsed = time.monotonic() - start
    for w in workers:
        w.join(5)
        if w.is_alive():
            w.terminate()
    print(f"sent {sent} {elapsed:.3f}", flush=True)
    for f in reasons[:5]:
        print(f"failure: {f}", file=sys.stderr)
    if failed:
        print(f"failures: {failed}", file=sys.stderr)
    return 1 if failed or sent != args.count else 0


async def idle(args):
    sessions = []
    answered = 0

    async def one():
        nonlocal answered
        reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
        sessions.append(writer)
        banner = await reader.readline()
        while banner[3:4] == b"-":
            banner = await reader.readline()
        writer.write(b"EHLO idle.bench.test\r\n")
        await writer.drain()
        while True:
            line = await reader.readline()
            if not line:
                return
            if line[3:4] == b" ":
                break
        answered += 1

    tasks = []
    for _ in range(args.count):
        tasks.append(asyncio.ensure_future(one()))
        await asyncio.sleep(0.0005)  # a gentle ramp, not a SYN flood
    done, pending = await asyncio.wait(tasks, timeout=args.timeout)
    errors = sum(1 for t in done if t.exception() is not None)
    print(f"ready {answered} errors {errors} pending {len(pending)}", flush=True)
    await asyncio.sleep(args.hold)
    for t in pending:
        t.cancel()
    for w in sessions:
        w.close()


async def first_line(source, port, timeout):
    """Connects from SOURCE; the first reply line and the seconds it took, or None."""
    t0 = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0)), timeout)
    except (OSError, asyncio.TimeoutError):
        return None, time.monotonic() - t0
    try:
        line = await asyncio.wait_for(reader.readline(), max(0.1, timeout - (time.monotonic() - t0)))
        return line.decode("ascii", "replace").strip() or None, time.monotonic() - t0
    except (OSError, asyncio.TimeoutError):
        return None, time.monotonic() - t0
    finally:
        writer.close()


async def flood(args):
    writers = []

    async def dribbler(i):
        source = f"127.0.1.{1 + i // args.per_source}"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", args.port, local_addr=(source, 0))
        except OSError:
            return
        writers.append(writer)
        while True:
            await asyncio.sleep(args.dribble)
            writer.write(b"N")
            await writer.drain()

    tasks = []
    for i in range(args.count):
        tasks.append(asyncio.ensure_future(dribbler(i)))
        await asyncio.sleep(0.0005)  # a steady flood, not a SYN storm
    await asyncio.sleep(3)
    print(f"flood connected {len(writers)} of {args.count}", flush=True)
    times = []
    greeted = 0
    for p in range(args.probes):
        line, secs = await first_line("127.0.0.1" if p % 2 == 0 else "127.0.2.1", args.port,
                                      args.probe_timeout)
        ok = line is not None and line.startswith("220")
        greeted += ok
        times.append(f"{secs * 1000:.0f}" if ok else "timeout")
        await asyncio.sleep(0.2)
    print("greeting " + " ".join(times), flush=True)
    print(f"greeted {greeted}/{args.probes}", flush=True)
    line, _ = await first_line("127.0.1.1", args.port, args.probe_timeout)
    print(f"overlimit {line or 'timeout'}", flush=True)
    for t in tasks:
        t.cancel()
    for w in writers:
        w.close()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("wait-listen", "wait-banner"):
        s = sub.add_parser(name)
        s.add_argument("--port", type=int, required=True)
        s.add_argument("--timeout", type=float, default=30)
    s = sub.add_parser("sink")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, default=0)
    s.add_argument("--cert", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--requiretls", action="store_true")
    s.add_argument("--procs", type=int, default=1)
    s = sub.add_parser("load")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--sessions", type=int, default=20)
    s.add_argument("--procs", type=int, default=2)
    s.add_argument("--size", type=int, default=4096)
    s.add_argument("--requiretls", action="store_true")
    s.add_argument("--timeout", type=float, default=600)
    s = sub.add_parser("handshakes")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--mode", choices=("plain", "full", "resumed"), required=True)
    s.add_argument("--threads", type=int, default=2)
    s = sub.add_parser("idle")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--timeout", type=float, default=60)
    s.add_argument("--hold", type=float, default=120)
    s = sub.add_parser("flood")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--per-source", type=int, default=50)
    s.add_argument("--dribble", type=float, default=10)
    s.add_argument("--probes", type=int, default=10)
    s.add_argument("--probe-timeout", type=float, default=10)
    args = p.parse_args()
    if args.cmd == "wait-listen":
        return wait_listen(args)
    if args.cmd == "wait-banner":
        return wait_banner(args)
    if args.cmd == "sink":
        sink(args)
        return 0
    if args.cmd == "load":
        return load(args)
    if args.cmd == "handshakes":
        return handshakes(args)
    if args.cmd == "idle":
        asyncio.run(idle(args))
        return 0
    if args.cmd == "flood":
        asyncio.run(flood(args))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
