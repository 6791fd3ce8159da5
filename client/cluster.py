"""Cluster redirections: which node a command goes to, and following MOVED and ASK.

A client talks to the node its URL names until a node answers
``-MOVED <slot> <host>:<port>``: that slot lives on another node for good. The
command is sent again there, and :class:`SlotRouting` remembers slot -> node, so
later commands whose first key hashes to that slot (:func:`protocol.keyslot.key_slot`,
keys found through the command table's key specs) go straight to it. ``-ASK
<slot> <host>:<port>`` (a slot being migrated) sends ``ASKING`` and the command,
in one write, to that node once, and remembers nothing. A command follows at
most ``max_redirects`` redirections; the last one is then raised as
:class:`~client.errors.MovedError` / :class:`~client.errors.AskError`.

Every node has its own :class:`~client.pool.ConnectionPool` (the client's
options with that host and port, the same size), opened on first use and closed
with the client. A keyless command, or a key whose slot was never redirected,
goes to the URL's node. Until the first MOVED the routing costs one test of an
empty dict per command.
"""

from __future__ import annotations

from typing import Any

import attrs

from protocol.commands.keys import InvalidKeys, key_positions
from protocol.commands.table import lookup_full
from protocol.keyslot import key_slot
from protocol.resp import ErrorReply, encode_command

from .cache import key_bytes
from .options import ConnectionOptions
from .pool import ConnectionPool

__all__ = ["REDIRECT_PREFIXES", "RoutingStatistics", "SlotRouting", "first_key_slot", "is_redirect"]

REDIRECT_PREFIXES = ("MOVED", "ASK")
ASKING = encode_command(["ASKING"])

Node = tuple[str, int]


def is_redirect(reply: Any) -> bool:
    return type(reply) is ErrorReply and reply.prefix in REDIRECT_PREFIXES


def redirect_target(reply: ErrorReply) -> tuple[int, Node] | None:
    """``MOVED 3999 127.0.0.1:6381`` -> (3999, ("127.0.0.1", 6381)); the host may be
    an IPv6 address (the port follows the last colon). None when malformed."""
    words = reply.message.split(" ")
    if len(words) != 3 or not words[1].isdigit():
        return None
    host, _, port = words[2].rpartition(":")
    if not host or not port.isdigit():
        return None
    return int(words[1]), (host, int(port))


def first_key_slot(args: tuple[Any, ...]) -> int | None:
    """The slot of the command's first key, or None (keyless, unknown, unparsable)."""
    try:
        argv = [key_bytes(arg) for arg in args]
    except TypeError:
        return None
    spec = lookup_full(argv)
    if spec is None:
        return None
    try:
        positions = key_positions(spec, argv)
    except InvalidKeys:
        return None
    return key_slot(argv[positions[0]]) if positions else None


@attrs.frozen
class RoutingStatistics:
    known_slots: int
    nodes: int
    moved: int
    asked: int


@attrs.define(eq=False)
class SlotRouting:
    options: ConnectionOptions
    default: ConnectionPool
    pool_size: int
    slots: dict[int, Node] = attrs.field(factory=dict, init=False)
    pools: dict[Node, ConnectionPool] = attrs.field(factory=dict, init=False)
    moved: int = attrs.field(default=0, init=False)
    asked: int = attrs.field(default=0, init=False)

    def statistics(self) -> RoutingStatistics:
        return RoutingStatistics(len(self.slots), len(self.pools), self.moved, self.asked)

    def pool_for(self, args: tuple[Any, ...]) -> ConnectionPool:
        """The pool of the node that owns the command's first key, as far as we know."""
        if not self.slots:
            return self.default
        slot = first_key_slot(args)
        node = None if slot is None else self.slots.get(slot)
        return self.default if node is None else self.node_pool(node)

    def pool_for_batch(self, commands: list[tuple[Any, ...]]) -> ConnectionPool:
        """The pool for a pipeline: where its first keyed command goes."""
        if not self.slots:
            return self.default
        for args in commands:
            slot = first_key_slot(args)
            if slot is not None:
                node = self.slots.get(slot)
                return self.default if node is None else self.node_pool(node)
        return self.default

    def node_pool(self, node: Node) -> ConnectionPool:
        if node == (self.options.host, self.options.port) and self.options.unix_path is None:
            return self.default
        pool = self.pools.get(node)
        if pool is None:
            host, port = node
            node_options = attrs.evolve(self.options, host=host, port=port, unix_path=None)
            pool = self.pools[node] = ConnectionPool(node_options, self.pool_size)
        return pool

    def follow(self, reply: ErrorReply) -> tuple[ConnectionPool, bool] | None:
        """Where a redirection sends the command, and whether it is an ASK (send
        ASKING first); None when the reply names no node. A MOVED is remembered."""
        target = redirect_target(reply)
        if target is None:
            return None
        slot, node = target
        if reply.prefix == "ASK":
            self.asked += 1
            return self.node_pool(node), True
        self.moved += 1
        self.slots[slot] = node
        return self.node_pool(node), False

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()
