"""The spec types of the command table (DESIGN §3).

One frozen :class:`CommandSpec` per command (and per subcommand, e.g.
``config|get``). It drives the connection's gates, the router, COMMAND and
COMMAND DOCS, propagation and the generated reference; nothing elsewhere
branches on a command's name.

``scope`` says where a command runs:

* ``Scope.KEYS``       the shard(s) owning its keys; keyless commands of this scope
                       run on shard 0 (they touch no key).
* ``Scope.ALL_SHARDS`` every shard; the tips' ``response_policy`` merges replies.
* ``Scope.CONNECTION`` the connection actor (PING, HELLO, MULTI, CLIENT ...).
* ``Scope.SERVER``     the supervisor (CONFIG, INFO, SHUTDOWN, DEBUG ...).
"""

from __future__ import annotations

import enum
from typing import Any

import attrs


class Scope(enum.Enum):
    KEYS = "keys"
    ALL_SHARDS = "all_shards"
    CONNECTION = "connection"
    SERVER = "server"


@attrs.frozen
class KeySpec:
    """Redis 7 key spec: where the keys begin and how to find the rest.

    begin_search: ``index`` (absolute argv position) or ``keyword`` (search for
    ``keyword`` starting at ``startfrom``; negative searches from the end).
    find_keys: ``range`` (``lastkey`` relative to the first key, -1 = to the
    end, ``step``, ``limit``) or ``keynum`` (argv[keynumidx] holds the count,
    keys start ``firstkey`` after it, every ``step``).
    """

    flags: tuple[str, ...]
    begin_index: int | None = None
    keyword: str | None = None
    startfrom: int = 1
    find: str = "range"  # "range" | "keynum"
    lastkey: int = 0
    step: int = 1
    limit: int = 0
    keynumidx: int = 0
    firstkey: int = 1
    notes: str = ""


@attrs.frozen
class Argument:
    """One node of a command's argument tree, as COMMAND DOCS reports it."""

    name: str
    type: str  # string integer double key pattern unix-time pure-token oneof block
    token: str | None = None
    optional: bool = False
    multiple: bool = False
    multiple_token: bool = False
    key_spec_index: int | None = None
    display: str | None = None
    arguments: tuple["Argument", ...] = ()
    since: str | None = None
    deprecated_since: str | None = None


@attrs.frozen
class CommandSpec:
    name: str  # lower case; "config|get" for a subcommand
    arity: int
    group: str
    since: str
    summary: str
    complexity: str = ""
    flags: frozenset[str] = frozenset()
    acl_categories: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    key_specs: tuple[KeySpec, ...] = ()
    arguments: tuple[Argument, ...] = ()
    subcommands: tuple["CommandSpec", ...] = ()
    scope: Scope = Scope.KEYS
    doc_flags: tuple[str, ...] = ()
    deprecated_since: str | None = None
    replaced_by: str | None = None
    history: tuple[tuple[str, str], ...] = ()
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    @property
    def is_write(self) -> bool:
        return "write" in self.flags

    @property
    def container(self) -> str | None:
        """For a subcommand, the parent's name."""
        return self.name.split("|", 1)[0] if "|" in self.name else None
