"""Helpers that make a command spec a few lines: :func:`command` and :func:`ks`.

A group module does::

    command = for_group("string")

    GET = command("get", 2, "readonly fast", "@read @string @fast",
                  keys=[ks("RO ACCESS", 1)], syntax="key",
                  since="1.0.0", summary="Get the value of a key", complexity="O(1)")

    SPECS = (GET, ...)

Flags, ACL categories and tips are space-separated strings; ``syntax`` is the
mini-language of :mod:`protocol.commands.syntax` (or pass ``arguments=``
explicitly). ``movablekeys`` is derived from the key specs the way Redis derives
it, so specs never state it.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterable

from .spec import Argument, CommandSpec, KeySpec, Scope
from .syntax import parse

__all__ = ["command", "for_group", "ks", "legacy_range"]


def ks(
    flags: str,
    index: int | None = None,
    *,
    keyword: str | None = None,
    startfrom: int = 1,
    lastkey: int = 0,
    step: int = 1,
    limit: int = 0,
    keynumidx: int | None = None,
    firstkey: int = 1,
    find: str | None = None,
    notes: str = "",
) -> KeySpec:
    """A key spec. ``index`` or ``keyword`` begin the search (neither: unknown);
    ``keynumidx`` switches find_keys to keynum, else range (or ``find="unknown"``)."""
    if find is None:
        find = "keynum" if keynumidx is not None else "range"
    return KeySpec(
        flags=tuple(flags.split()),
        begin_index=index,
        keyword=keyword,
        startfrom=startfrom,
        find=find,
        lastkey=lastkey,
        step=step,
        limit=limit,
        keynumidx=keynumidx or 0,
        firstkey=firstkey,
        notes=notes,
    )


def legacy_range(key_specs: tuple[KeySpec, ...]) -> tuple[tuple[int, int, int], bool]:
    """(first, last, step) for COMMAND INFO and whether the keys are movable,
    as Redis's ``populateCommandLegacyRangeSpec`` computes them."""
    if not key_specs:
        return (0, 0, 0), False
    if len(key_specs) == 1 and _is_plain_range(key_specs[0]):
        spec = key_specs[0]
        assert spec.begin_index is not None
        last = spec.lastkey if spec.lastkey < 0 else spec.begin_index + spec.lastkey
        return (spec.begin_index, last, spec.step), "incomplete" in spec.flags
    movable = False
    first = None
    last = 0
    previous_last = 0
    for spec in key_specs:
        if not _is_plain_range(spec):
            movable = True
            continue
        assert spec.begin_index is not None
        if spec.step != 1 or (previous_last and previous_last != spec.begin_index - 1):
            movable = True
            continue
        if "incomplete" in spec.flags:
            movable = True
        first = spec.begin_index if first is None else min(first, spec.begin_index)
        absolute = spec.lastkey + spec.begin_index if spec.lastkey >= 0 else spec.lastkey
        last = max(last % 2**32, absolute % 2**32)
        last = last - 2**32 if last >= 2**31 else last
        previous_last = last
    if first is None:
        return (0, 0, 0), True
    return (first, last, 1), movable


def _is_plain_range(spec: KeySpec) -> bool:
    return spec.begin_index is not None and spec.keyword is None and spec.find == "range"


def command(
    name: str,
    arity: int,
    flags: str = "",
    acl: str = "",
    *,
    group: str,
    since: str,
    summary: str,
    complexity: str = "",
    syntax: str = "",
    arguments: Iterable[Argument] | None = None,
    keys: Iterable[KeySpec] = (),
    tips: str = "",
    scope: Scope = Scope.KEYS,
    subcommands: Iterable[CommandSpec] = (),
    doc_flags: str = "",
    deprecated_since: str | None = None,
    replaced_by: str | None = None,
    history: Iterable[tuple[str, str]] = (),
    **extra: Any,
) -> CommandSpec:
    key_specs = tuple(keys)
    flag_set = set(flags.split())
    if legacy_range(key_specs)[1]:
        flag_set.add("movablekeys")
    return CommandSpec(
        name=name,
        arity=arity,
        group=group,
        since=since,
        summary=summary,
        complexity=complexity,
        flags=frozenset(flag_set),
        acl_categories=tuple(acl.split()),
        tips=tuple(tips.split()),
        key_specs=key_specs,
        arguments=tuple(arguments) if arguments is not None else parse(syntax),
        subcommands=tuple(subcommands),
        scope=scope,
        doc_flags=tuple(doc_flags.split()),
        deprecated_since=deprecated_since,
        replaced_by=replaced_by,
        history=tuple(history),
        extra=extra,
    )


def for_group(group: str, scope: Scope = Scope.KEYS) -> Callable[..., CommandSpec]:
    """``command`` with the group (and a default scope) filled in."""
    return functools.partial(command, group=group, scope=scope)
