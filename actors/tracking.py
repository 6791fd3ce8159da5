"""Server-assisted client-side caching (CLIENT TRACKING) and MONITOR lines.

Three pieces, each owned by one actor:

* :class:`TrackingOptions` hangs on a tracking client's ``ClientState``
  (``client.tracking``; None when tracking is off, so the shard's read path
  pays one attribute check for everyone else). Its connection writes it; the
  shard reads it (and clears the one-shot CLIENT CACHING answer after each
  command); the hub sets ``broken_redirect``.
* :class:`TrackingTable` lives in each shard: key -> ids of the clients that
  read it in default mode (OPTIN/OPTOUT filtered by CLIENT CACHING). A write
  (``ctx.touch``), an expiry or a flush pops the key, and the shard writes
  every invalidation itself, in the writer's step, to the queues it keeps in
  ``Shard.tracked`` or to the REDIRECT target's (docs/decisions/0006, 0008):
  :func:`send_invalidation` encodes RESP3 ``>2 invalidate [keys]`` (null on a
  flush), or a RESP2 redirect target's ``message __redis__:invalidate [keys]``
  when that client is in pub/sub mode (Redis sends nothing otherwise);
  :func:`bcast_matches` splits a batch's written keys by BCAST prefix. Over
  ``tracking-table-max-keys`` (per shard) the oldest keys are dropped and
  invalidated, as Redis does with random ones. The table is dropped when the
  last tracking client stops, as Redis frees its radix tree.
* :class:`Tracker` lives in the hub: which clients track (INFO counts them).
  A redirect target that disconnects marks its trackers broken at once and,
  in RESP3, sends them ``tracking-redir-broken`` (a shard that finds the
  target gone does the same, once).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import attrs

from protocol import errors
from protocol.errors import CommandError

INVALIDATE_CHANNEL = b"__redis__:invalidate"


@attrs.define(eq=False, slots=True)
class TrackingOptions:
    redirect: int = 0
    bcast: bool = False
    optin: bool = False
    optout: bool = False
    noloop: bool = False
    prefixes: list[bytes] = attrs.field(factory=list)
    caching: bool | None = None  # CLIENT CACHING YES|NO, for the next command only
    broken_redirect: bool = False

    def remembers_reads(self) -> bool:
        if self.bcast:
            return False
        if self.optin:
            return self.caching is True
        if self.optout:
            return self.caching is not False
        return True

    def flags(self) -> list[bytes]:
        """CLIENT TRACKINGINFO's flags, in Redis's order."""
        flags = [b"on"]
        for name, present in ((b"bcast", self.bcast), (b"optin", self.optin), (b"optout", self.optout)):
            if present:
                flags.append(name)
        if self.caching is True:
            flags.append(b"caching-yes")
        elif self.caching is False:
            flags.append(b"caching-no")
        if self.noloop:
            flags.append(b"noloop")
        if self.broken_redirect:
            flags.append(b"broken_redirect")
        return flags

    def client_list_flags(self) -> str:
        return "t" + ("R" if self.broken_redirect else "") + ("B" if self.bcast else "")


def parse_tracking(argv: list[bytes], current: TrackingOptions | None) -> TrackingOptions | None:
    """CLIENT TRACKING ON|OFF [options]: the new options (None for OFF).
    The redirect target's existence is the caller's check."""
    status = argv[2].upper()
    if status not in (b"ON", b"OFF"):
        raise CommandError(errors.SYNTAX)
    options = TrackingOptions()
    position = 3
    while position < len(argv):
        word = argv[position].upper()
        has_value = position + 1 < len(argv)
        if word == b"REDIRECT" and has_value:
            raw = argv[position + 1]
            if not raw.lstrip(b"-").isdigit():
                raise CommandError(errors.NOT_INTEGER)
            options.redirect = int(raw)
            position += 2
        elif word == b"PREFIX" and has_value:
            options.prefixes.append(argv[position + 1])
            position += 2
        elif word in (b"BCAST", b"OPTIN", b"OPTOUT", b"NOLOOP"):
            setattr(options, word.decode().lower(), True)
            position += 1
        else:
            raise CommandError(errors.SYNTAX)
    if status == b"OFF":
        return None
    if options.prefixes and not options.bcast:
        raise CommandError(errors.TRACKING_PREFIX_NEEDS_BCAST)
    if current is not None:
        if current.bcast != options.bcast:
            raise CommandError(errors.TRACKING_SWITCH_BCAST)
        if (options.optin and current.optout) or (options.optout and current.optin):
            raise CommandError(errors.TRACKING_SWITCH_OPTIN_OPTOUT)
    if options.optin and options.optout:
        raise CommandError(errors.TRACKING_OPTIN_AND_OPTOUT)
    if options.bcast and (options.optin or options.optout):
        raise CommandError(errors.TRACKING_OPT_WITH_BCAST)
    _check_prefixes(options.prefixes, current.prefixes if current is not None else [])
    if current is not None:
        options.prefixes = current.prefixes + [p for p in options.prefixes if p not in current.prefixes]
    return options


def _check_prefixes(new: list[bytes], existing: list[bytes]) -> None:
    def overlap(a: bytes, b: bytes) -> bool:
        return a.startswith(b) or b.startswith(a)

    for index, prefix in enumerate(new):
        for other in existing:
            if prefix != other and overlap(prefix, other):
                raise CommandError(
                    errors.TRACKING_PREFIX_OVERLAP_EXISTING.format(_text(prefix), _text(other))
                )
        for other in new[index + 1:]:
            if overlap(prefix, other):
                raise CommandError(errors.TRACKING_PREFIX_OVERLAP.format(_text(prefix), _text(other)))


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


@attrs.define(eq=False)
class TrackingTable:
    """One shard's remembered reads: key -> client ids (insertion ordered)."""

    keys: dict[bytes, set[int]] = attrs.field(factory=dict)

    def remember(self, key: bytes, client_id: int) -> None:
        clients = self.keys.get(key)
        if clients is None:
            self.keys[key] = {client_id}
        else:
            clients.add(client_id)

    def pop(self, key: bytes) -> set[int] | None:
        return self.keys.pop(key, None)

    def evict_over(self, max_keys: int) -> list[tuple[bytes, set[int]]]:
        """Drop the oldest keys until at most ``max_keys`` remain (0: no limit)."""
        evicted: list[tuple[bytes, set[int]]] = []
        keys = self.keys
        while max_keys and len(keys) > max_keys:
            key = next(iter(keys))
            evicted.append((key, keys.pop(key)))
        return evicted


# -- invalidation messages (written by the shards) ------------------------------------
def _bulk(value: bytes) -> bytes:
    return b"$%d\r\n%b\r\n" % (len(value), value)


def _key_array(keys: list[bytes] | None, resp3: bool) -> bytes:
    if keys is None:
        return b"_\r\n" if resp3 else b"$-1\r\n"
    return b"*%d\r\n" % len(keys) + b"".join(_bulk(key) for key in keys)


def invalidate_push(key: bytes) -> bytes:
    """RESP3 ``>2 invalidate [key]``: what a shard writes to a default-mode client."""
    return b">2\r\n$10\r\ninvalidate\r\n*1\r\n" + _bulk(key)


def send_invalidation(
    options: TrackingOptions,
    own_queue: Any,
    keys: list[bytes] | None,
    find_client: Callable[[int], Any],
    deliver: Callable[[Any, bytes], None],
) -> None:
    """Redis's ``sendTrackingMessage``: invalidate ``keys`` (None: a flush)
    for one tracking client, whose queue is ``own_queue``.

    With REDIRECT the message goes to the target connection
    (``find_client(id)``, None once it is gone: the redirect is broken and a
    RESP3 tracker is told so, once). A RESP3 target gets ``>2 invalidate``;
    a RESP2 target gets ``message __redis__:invalidate`` only while it is in
    pub/sub mode; a RESP2 client without REDIRECT gets nothing, as in Redis.
    A target that exists but never entered push mode has no queue and gets
    nothing (Redis would push to a RESP3 one)."""
    redirect = options.redirect
    if not redirect:
        target = own_queue
    else:
        connection = find_client(redirect)
        if connection is None:
            redirect_broken(options, own_queue, deliver)
            return
        target = connection.pushes
        if target is None:
            return
    if target.resp3:
        deliver(target, b">2\r\n$10\r\ninvalidate\r\n" + _key_array(keys, True))
    elif redirect and any(target.subscription_counts):
        deliver(target, b"*3\r\n$7\r\nmessage\r\n" + _bulk(INVALIDATE_CHANNEL) + _key_array(keys, False))


def redirect_broken(
    options: TrackingOptions, own_queue: Any, deliver: Callable[[Any, bytes], None]
) -> None:
    """The redirect target is gone: flag ``R`` and, in RESP3, one ``tracking-redir-broken``."""
    if options.broken_redirect:
        return
    options.broken_redirect = True
    if own_queue is not None and own_queue.resp3:
        deliver(own_queue, b">2\r\n$21\r\ntracking-redir-broken\r\n:%d\r\n" % options.redirect)


def bcast_matches(options: TrackingOptions, written: list[bytes]) -> list[list[bytes]]:
    """BCAST: the written keys under each of the client's prefixes (every
    key without prefixes); one invalidation per prefix that matched, as Redis
    sends one per prefix."""
    matches = []
    for prefix in options.prefixes or [b""]:
        keys = [key for key in written if key.startswith(prefix)]
        if keys:
            matches.append(keys)
    return matches


@attrs.define(eq=False)
class TrackedClient:
    client_id: int
    queue: Any  # pubsub.PushQueue
    options: TrackingOptions


@attrs.define(eq=False)
class Tracker:
    """The hub's registry of tracking clients: it counts them for INFO and,
    when a connection closes, marks the clients that redirect to it broken
    at once (a shard would notice at their next invalidation)."""

    clients: dict[int, TrackedClient] = attrs.field(factory=dict)

    def enable(self, client_id: int, queue: Any, options: TrackingOptions) -> None:
        self.clients[client_id] = TrackedClient(client_id, queue, options)

    def disable(self, client_id: int) -> None:
        self.clients.pop(client_id, None)

    def forget(self, client_id: int, deliver: Callable[[Any, bytes], None]) -> None:
        """A connection closed: stop its tracking; its redirectors are broken."""
        self.disable(client_id)
        for tracked in self.clients.values():
            if tracked.options.redirect == client_id:
                redirect_broken(tracked.options, tracked.queue, deliver)


# -- MONITOR ---------------------------------------------------------------------------
_ESCAPES = {ord("\\"): b"\\\\", ord('"'): b'\\"', ord("\n"): b"\\n", ord("\r"): b"\\r",
            ord("\t"): b"\\t", 7: b"\\a", 8: b"\\b"}


def repr_arg(arg: bytes) -> bytes:
    """Redis's sdscatrepr: a quoted, escaped argument."""
    if arg.isalnum():
        return b'"' + arg + b'"'
    out = bytearray(b'"')
    for byte in arg:
        escaped = _ESCAPES.get(byte)
        if escaped is not None:
            out += escaped
        elif 32 <= byte <= 126:
            out.append(byte)
        else:
            out += b"\\x%02x" % byte
    out.append(ord('"'))
    return bytes(out)


def redact(name: str, argv: list[bytes]) -> list[bytes]:
    """AUTH's arguments, and HELLO's AUTH username and password, as Redis hides them."""
    if name == "auth":
        return [argv[0]] + [b"(redacted)"] * (len(argv) - 1)
    if name == "hello":
        shown = list(argv)
        position = 2
        while position < len(shown):
            word = shown[position].upper()
            if word == b"AUTH" and position + 2 < len(shown):
                shown[position + 1] = shown[position + 2] = b"(redacted)"
                position += 3
            elif word == b"SETNAME" and position + 1 < len(shown):
                position += 2
            else:
                break
        return shown
    return argv


def monitor_line(db: int, addr: str, name: str, argv: list[bytes], now: float | None = None) -> bytes:
    """``+1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"``, as Redis prints it."""
    now = time.time() if now is None else now
    seconds = int(now)
    micros = int((now - seconds) * 1_000_000)
    shown = redact(name, argv) if name in ("auth", "hello") else argv
    return b"+%d.%06d [%d %s] %b\r\n" % (
        seconds, micros, db, addr.encode(), b" ".join(repr_arg(arg) for arg in shown)
    )
