"""Methods generated from the command table for every command without a written one.

:func:`install` walks :data:`protocol.commands.table.ALL_SPECS` and gives the
class a method per spec that it does not already have: ``config|get`` becomes
``config_get``, ``client|no-evict`` ``client_no_evict``; the method sends the
command's words and its arguments as given, and returns the converted reply.
:data:`EXCLUDED` names the commands that must not be callable on a pooled
connection, each with what to use instead. A test walks the table and fails on a
spec with neither a method nor an exclusion.
"""

from __future__ import annotations

from typing import Any, Callable

from protocol.commands.spec import CommandSpec
from protocol.commands.table import ALL_SPECS

__all__ = ["EXCLUDED", "install", "method_name"]

# Commands that change the state of the one connection they run on: on a pool
# they would leak that state to the next caller.
EXCLUDED: dict[str, str] = {
    "multi": "use pipeline(transaction=True) or transaction()",
    "exec": "use pipeline(transaction=True) or transaction()",
    "discard": "use pipeline(transaction=True); leaving it without execute() discards",
    "watch": "use transaction(fn, *keys) or pipeline().watch()",
    "unwatch": "use pipeline().unwatch()",
    "quit": "leave the open_client() block",
    "reset": "connections are reset by closing them; leave the open_client() block",
    "hello": "pass protocol=2|3 to open_client()",
    "auth": "pass username/password (or the URL's user:pass@) to open_client()",
    "select": "pass db= (or the URL's /db) to open_client()",
    "client|setname": "pass client_name= to open_client()",
    "client|reply": "CLIENT REPLY OFF/SKIP breaks the reply accounting of a pooled connection",
    "subscribe": "use subscribe()",
    "psubscribe": "use subscribe(pattern=...)",
    "ssubscribe": "use subscribe(shard_channels=...)",
    "unsubscribe": "use the Subscription's unsubscribe()",
    "punsubscribe": "use the Subscription's punsubscribe()",
    "sunsubscribe": "use the Subscription's sunsubscribe()",
    "monitor": "MONITOR turns the connection into a stream; not supported",
    "sync": "replication handshake, not a client command",
    "psync": "replication handshake, not a client command",
    "object": "a container: use object_encoding(), object_freq() ...",
    "client": "a container: use client_id(), client_list() ...",
    "config": "a container: use config_get(), config_set() ...",
}

_RENAMED = {"del": "delete"}


def method_name(spec: CommandSpec) -> str:
    name = spec.name.replace("|", "_").replace("-", "_")
    return _RENAMED.get(name, name)


def _make_method(spec: CommandSpec) -> Callable[..., Any]:
    words = tuple(word.upper() for word in spec.name.split("|"))

    def method(self: Any, *args: Any) -> Any:
        return self._run(None, *words, *args)

    method.__name__ = method_name(spec)
    method.__qualname__ = method.__name__
    syntax = " ".join(a.display or a.name for a in spec.arguments)
    method.__doc__ = f"{' '.join(words)} {syntax}".rstrip() + f"\n\n{spec.summary}. (Generated from the command table.)"
    return method


def install(cls: type) -> type:
    """Add a generated method to ``cls`` for every spec it lacks; returns ``cls``."""
    for spec in ALL_SPECS:
        if spec.name in EXCLUDED:
            continue
        name = method_name(spec)
        if not hasattr(cls, name):
            setattr(cls, name, _make_method(spec))
    return cls
