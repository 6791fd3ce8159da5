"""The handler registry: ``@command("get")`` binds a handler to a spec name.

``execute`` runs one command against a context and always returns a reply
value: a :class:`~protocol.errors.CommandError` raised by a handler becomes an
:class:`~protocol.resp.values.ErrorReply`; any other exception is a bug and
propagates to the owner, which logs it and answers the client with an error
without dying.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from protocol.errors import CommandError
from protocol.resp.values import ErrorReply

from actors.engine.context import ExecContext

Handler = Callable[[ExecContext, list[bytes]], Any]

HANDLERS: dict[str, Handler] = {}

FAMILIES = (
    "generic", "expire", "string", "server", "list", "hash", "set", "zset", "sort",
    "stream", "stream_groups", "geo", "bitmap", "hll", "dump",
)


def command(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            if name in HANDLERS:
                raise ValueError(f"two handlers for {name!r}")
            HANDLERS[name] = handler
        return handler

    return register


def execute(ctx: ExecContext, name: str, argv: list[bytes]) -> Any:
    try:
        return HANDLERS[name](ctx, argv)
    except CommandError as error:
        return ErrorReply(error.message)


def load_families() -> dict[str, Handler]:
    for family in FAMILIES:
        importlib.import_module(f"actors.engine.families.{family}")
    return HANDLERS
