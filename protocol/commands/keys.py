"""Key extraction from argv, driven by the key specs (Redis 7 semantics).

:func:`key_positions` is on the hot path (the router calls it for every keyed
command), so each spec's extraction plan is compiled once: a command with one
plain ``index``/``range`` spec (GET, SET, MSET, DEL ...) becomes a slice; every
other spec goes through the general walk of ``getKeysUsingKeySpecs``.

A spec may carry ``extra["keys_proc"]``: ``argv -> [(position, flags), ...]``,
used, as Redis uses a command's getkeys procedure, when its key specs have
``variable_flags`` (SET's flags depend on GET; positions still come from the
spec) or cannot describe the keys.
"""

from __future__ import annotations

import re
from typing import Callable

from .. import errors
from ..errors import CommandError
from .spec import CommandSpec, KeySpec

__all__ = ["key_positions", "keys_and_flags", "has_keys", "getkeys_command"]

KeysProc = Callable[[list[bytes]], list[tuple[int, tuple[str, ...]]]]

# The order Redis prints key-spec flags in.
KEY_FLAG_ORDER = (
    "RO", "RW", "OW", "RM", "access", "update", "insert", "delete",
    "not_key", "incomplete", "variable_flags",
)

# Redis's string2ll, restricted to the counts a keynum may hold.
_NON_NEGATIVE = re.compile(rb"0|[1-9][0-9]{0,18}")


class InvalidKeys(Exception):
    """argv does not match the command's key specs (Redis's ``invalid_spec``)."""


def has_keys(spec: CommandSpec) -> bool:
    """Redis's ``doesCommandHaveKeys``."""
    return "keys_proc" in spec.extra or any("not_key" not in ks.flags for ks in spec.key_specs)


def key_positions(spec: CommandSpec, argv: list[bytes]) -> list[int]:
    """argv positions of the keys; raises :class:`InvalidKeys` when argv does
    not fit the specs (the command itself then reports the syntax error)."""
    cached = _PLANS.get(spec.name)
    if cached is not None and cached[0] is spec:
        plan = cached[1]
    else:
        plan = _compile(spec)
        _PLANS[spec.name] = (spec, plan)
    if plan.__class__ is tuple:
        first, lastkey, step = plan  # type: ignore[misc]
        argc = len(argv)
        last = first + lastkey if lastkey >= 0 else argc + lastkey
        if last >= argc or last < first:
            raise InvalidKeys(spec.name)
        return list(range(first, last + 1, step))
    return [position for position, _ in plan(argv)]  # type: ignore[operator]


def keys_and_flags(spec: CommandSpec, argv: list[bytes]) -> list[tuple[int, tuple[str, ...]]]:
    """(position, key-spec flags) for every key, as COMMAND GETKEYSANDFLAGS reports."""
    return _general(spec)(argv)


# spec name -> (the spec, its compiled plan); the identity check keeps specs
# built in tests from reusing a table spec's plan.
_PLANS: dict[str, tuple[CommandSpec, tuple[int, int, int] | KeysProc]] = {}


def _compile(spec: CommandSpec) -> tuple[int, int, int] | KeysProc:
    specs = spec.key_specs
    # variable_flags means only the flags depend on argv (SET ... GET): the
    # positions still come straight from the spec.
    if (
        len(specs) == 1
        and ("keys_proc" not in spec.extra or "variable_flags" in specs[0].flags)
        and specs[0].begin_index is not None
        and specs[0].find == "range"
        and specs[0].limit == 0
        and not {"incomplete", "not_key"} & set(specs[0].flags)
    ):
        return (specs[0].begin_index, specs[0].lastkey, specs[0].step)
    return _general(spec)


def _general(spec: CommandSpec) -> KeysProc:
    proc: KeysProc | None = spec.extra.get("keys_proc")
    usable_specs = any("not_key" not in ks.flags for ks in spec.key_specs)
    variable = any("variable_flags" in ks.flags for ks in spec.key_specs)

    def extract(argv: list[bytes]) -> list[tuple[int, tuple[str, ...]]]:
        if usable_specs and not variable:
            try:
                return _from_specs(spec, argv)
            except InvalidKeys:
                if proc is None:
                    raise
        if proc is not None:
            return proc(argv)
        return []

    return extract


def _from_specs(spec: CommandSpec, argv: list[bytes]) -> list[tuple[int, tuple[str, ...]]]:
    """Redis's ``getKeysUsingKeySpecs`` without partial results."""
    argc = len(argv)
    found: list[tuple[int, tuple[str, ...]]] = []
    for key_spec in spec.key_specs:
        first = _begin(key_spec, argv)
        if first is None:
            continue
        if key_spec.find == "range":
            step = key_spec.step
            if key_spec.lastkey >= 0:
                last = first + key_spec.lastkey
            elif not key_spec.limit:
                last = argc + key_spec.lastkey
            else:
                last = first + ((argc - first) // key_spec.limit + key_spec.lastkey)
        elif key_spec.find == "keynum":
            step = key_spec.step
            count = _keynum(argv, first + key_spec.keynumidx)
            first += key_spec.firstkey
            last = first + count - 1
        else:
            raise InvalidKeys(spec.name)
        if last >= argc or last < first or first >= argc:
            raise InvalidKeys(spec.name)
        found.extend((position, key_spec.flags) for position in range(first, last + 1, step))
        if "incomplete" in key_spec.flags:
            raise InvalidKeys(spec.name)
    return found


def _begin(key_spec: KeySpec, argv: list[bytes]) -> int | None:
    if key_spec.begin_index is not None:
        return key_spec.begin_index
    if key_spec.keyword is None:
        raise InvalidKeys("unknown begin_search")
    argc = len(argv)
    keyword = key_spec.keyword.lower().encode()
    if key_spec.startfrom > 0:
        start, end, direction = key_spec.startfrom, argc - 1, 1
    else:
        start, end, direction = argc + key_spec.startfrom, 1, -1
    index = start
    while index != end:
        if index >= argc or index < 1:
            break
        if argv[index].lower() == keyword:
            return index + 1
        index += direction
    return None


def _keynum(argv: list[bytes], index: int) -> int:
    if index >= len(argv):
        raise InvalidKeys("keynum index")
    text = argv[index]
    if _NON_NEGATIVE.fullmatch(text) is None:
        raise InvalidKeys("keynum")
    return int(text)


def getkeys_command(
    argv: list[bytes], lookup: Callable[[list[bytes]], CommandSpec | None]
) -> tuple[CommandSpec, list[tuple[int, tuple[str, ...]]]]:
    """COMMAND GETKEYS / GETKEYSANDFLAGS for ``argv`` (the command to inspect),
    with Redis's errors. ``lookup`` finds the spec argv names (subcommands too)."""
    spec = lookup(argv)
    if spec is None:
        raise CommandError(errors.INVALID_COMMAND_SPECIFIED)
    if not has_keys(spec):
        raise CommandError(errors.NO_KEY_ARGUMENTS)
    argc = len(argv)
    if (spec.arity > 0 and spec.arity != argc) or argc < -spec.arity:
        raise CommandError(errors.INVALID_NUMBER_OF_ARGUMENTS)
    try:
        found = keys_and_flags(spec, argv)
    except InvalidKeys:
        found = []
    if not found and "no_mandatory_keys" not in spec.flags:
        raise CommandError(errors.INVALID_ARGUMENTS)
    return spec, found


def ordered_key_flags(flags: tuple[str, ...]) -> list[str]:
    return sorted(flags, key=lambda flag: KEY_FLAG_ORDER.index(flag) if flag in KEY_FLAG_ORDER else 99)
