"""The command table: every spec by name, and :func:`resolve` for the gates.

``COMMANDS`` maps the lower-case top-level name to its spec; ``ALL_SPECS`` is
every spec, subcommands included, flat. A new group module adds its ``SPECS``
to ``_GROUP_MODULES`` and nothing else changes.

:func:`resolve` runs for every request, so the common case is one dict lookup
on the name as sent (``_BY_RAW_NAME`` caches each spelling a client used, up to
a bound) and one integer comparison for the arity.
"""

from __future__ import annotations

from .. import errors
from ..errors import CommandError
from . import (
    bitmap,
    connection,
    generic,
    geo,
    hash,
    hyperloglog,
    list,
    pubsub,
    server,
    set,
    sort,
    sorted_set,
    stream,
    string,
    transactions,
)
from .spec import CommandSpec

_GROUP_MODULES = (
    generic, sort, string, list, hash, set, sorted_set, stream, geo, bitmap, hyperloglog,
    pubsub, connection, server, transactions,
)

COMMANDS: dict[bytes, CommandSpec] = {
    spec.name.encode(): spec for module in _GROUP_MODULES for spec in module.SPECS
}

ALL_SPECS: tuple[CommandSpec, ...] = tuple(
    spec
    for top in COMMANDS.values()
    for spec in (top, *top.subcommands)
)

BY_FULL_NAME: dict[str, CommandSpec] = {spec.name: spec for spec in ALL_SPECS}

# Container name -> lower-case subcommand name -> spec.
_SUBCOMMANDS: dict[bytes, dict[bytes, CommandSpec]] = {
    name: {sub.name.split("|", 1)[1].encode(): sub for sub in spec.subcommands}
    for name, spec in COMMANDS.items()
    if spec.subcommands
}

# Every spelling seen on the wire ("GET", "get", "Get") -> spec; bounded so a
# client sending random names cannot grow it without limit.
_BY_RAW_NAME: dict[bytes, CommandSpec] = dict(COMMANDS)
_BY_RAW_NAME.update({name.upper(): spec for name, spec in COMMANDS.items()})
_RAW_NAME_CACHE_LIMIT = 4096


def lookup(name: bytes) -> CommandSpec | None:
    """The top-level spec for a command name in any case, or None."""
    spec = _BY_RAW_NAME.get(name)
    if spec is None:
        spec = COMMANDS.get(name.lower())
        if spec is not None and len(_BY_RAW_NAME) < _RAW_NAME_CACHE_LIMIT:
            _BY_RAW_NAME[name] = spec
    return spec


def lookup_full(argv: list[bytes]) -> CommandSpec | None:
    """The spec argv names, no arity check (Redis's ``lookupCommand``): the
    subcommand when the container has them and argv names one, None when the
    command or the subcommand is unknown."""
    spec = lookup(argv[0])
    if spec is not None and spec.subcommands and len(argv) > 1:
        return _SUBCOMMANDS[spec.name.encode()].get(argv[1].lower())
    return spec


def resolve(argv: list[bytes]) -> CommandSpec:
    """The spec that runs ``argv``, after the unknown-command and arity gates.

    Raises :class:`CommandError` with Redis's exact text for an unknown command,
    an unknown subcommand or a wrong number of arguments.
    """
    spec = _BY_RAW_NAME.get(argv[0])
    if spec is None:
        spec = lookup(argv[0])
        if spec is None:
            raise CommandError(errors.unknown_command(argv[0], argv[1:]))
    if spec.subcommands and len(argv) > 1:
        sub = _SUBCOMMANDS[spec.name.encode()].get(argv[1].lower())
        if sub is None:
            raise CommandError(errors.unknown_subcommand(argv[1], argv[0]))
        spec = sub
    arity = spec.arity
    if (arity > 0 and len(argv) != arity) or len(argv) < -arity:
        raise CommandError(errors.wrong_arity(spec.name))
    return spec
