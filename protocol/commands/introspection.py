"""COMMAND and its subcommands, built from the table as reply values (Redis 7 shapes).

Pure functions: :func:`command_reply` takes the arguments after ``COMMAND``
and returns the reply value (maps are dicts, sets :class:`RespSet`, statuses
:class:`SimpleString`), so the connection only serialises it. The shapes and
orders follow Redis 7.0's ``addReplyCommandInfo`` / ``addReplyCommandDocs``.
"""

from __future__ import annotations

import re
from typing import Any

from .. import errors
from ..errors import CommandError
from ..resp.values import RespSet, SimpleString
from .define import legacy_range
from .keys import getkeys_command, ordered_key_flags
from .spec import Argument, CommandSpec, KeySpec
from .table import ALL_SPECS, BY_FULL_NAME, COMMANDS, lookup_full

__all__ = ["command_reply", "command_info", "command_docs", "FLAG_ORDER"]

# The order Redis prints command flags in; flags it hides are left out.
FLAG_ORDER = (
    "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript",
    "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking",
    "fast", "no_auth", "no_mandatory_keys", "no_async_loading", "no_multi",
    "movablekeys", "allow_busy",
)

HELP_LINES = (
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
)


def command_reply(args: list[bytes]) -> Any:
    """The reply to ``COMMAND *args`` (arity already checked by ``resolve``)."""
    if not args:
        return [command_info(spec) for spec in COMMANDS.values()]
    sub = args[0].lower()
    rest = args[1:]
    if sub == b"count":
        return len(COMMANDS)
    if sub == b"list":
        return _command_list(rest)
    if sub == b"info":
        if not rest:
            return [command_info(spec) for spec in COMMANDS.values()]
        return [_info_or_none(name) for name in rest]
    if sub == b"docs":
        specs = COMMANDS.values() if not rest else (_by_name(name) for name in rest)
        return {spec.name: command_docs(spec) for spec in specs if spec is not None}
    if sub == b"getkeys":
        _, found = getkeys_command(rest, lookup_full)
        return [rest[position] for position, _ in found]
    if sub == b"getkeysandflags":
        _, found = getkeys_command(rest, lookup_full)
        return [
            [rest[position], RespSet([SimpleString(flag.encode()) for flag in ordered_key_flags(flags)])]
            for position, flags in found
        ]
    if sub == b"help":
        return [SimpleString(line.encode()) for line in HELP_LINES]
    raise CommandError(errors.unknown_subcommand(args[0], "command"))


def _by_name(name: bytes) -> CommandSpec | None:
    """A spec by its full name (``get``, ``config|get``), any case."""
    return BY_FULL_NAME.get(name.decode("utf-8", "replace").lower())


def _info_or_none(name: bytes) -> list[Any] | None:
    spec = _by_name(name)
    return command_info(spec) if spec is not None else None


def _command_list(args: list[bytes]) -> list[str]:
    if not args:
        return [spec.name for spec in ALL_SPECS]
    if len(args) != 3 or args[0].lower() != b"filterby":
        raise CommandError(errors.SYNTAX)
    kind, value = args[1].lower(), args[2]
    if kind == b"module":
        return []
    if kind == b"aclcat":
        category = "@" + value.decode("utf-8", "replace").lower()
        return [spec.name for spec in ALL_SPECS if category in spec.acl_categories]
    if kind == b"pattern":
        matcher = glob_to_regex(value)
        return [spec.name for spec in ALL_SPECS if matcher.fullmatch(spec.name.encode())]
    raise CommandError(errors.SYNTAX)


def glob_to_regex(pattern: bytes) -> re.Pattern[bytes]:
    """Redis ``stringmatchlen`` (case-insensitive) as a compiled regex."""
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index : index + 1]
        if char == b"*":
            out.append(b".*")
        elif char == b"?":
            out.append(b".")
        elif char == b"\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index : index + 1]))
        elif char == b"[":
            end = pattern.find(b"]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end]
                negate = body.startswith(b"^")
                body = body[1:] if negate else body
                escaped = re.sub(rb"([\]\[\\^])", rb"\\\1", body)
                out.append(b"[" + (b"^" if negate else b"") + escaped + b"]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile(b"".join(out), re.DOTALL | re.IGNORECASE)


# --- COMMAND INFO --------------------------------------------------------------


def command_info(spec: CommandSpec) -> list[Any]:
    """One COMMAND INFO entry: name, arity, flags, first, last, step, ACL
    categories, tips, key specs, subcommands."""
    (first, last, step), _ = legacy_range(spec.key_specs)
    flags = [SimpleString(flag.encode()) for flag in FLAG_ORDER if flag in spec.flags]
    return [
        spec.name,
        spec.arity,
        RespSet(flags),
        first,
        last,
        step,
        RespSet([SimpleString(category.encode()) for category in spec.acl_categories]),
        RespSet(list(spec.tips)),
        # Redis 7.0's RESP3 shapes: key specs a set; subcommands an array, or
        # an empty set when there are none.
        RespSet([key_spec_reply(key_spec) for key_spec in spec.key_specs]),
        [command_info(sub) for sub in spec.subcommands] if spec.subcommands else RespSet([]),
    ]


def key_spec_reply(key_spec: KeySpec) -> dict[str, Any]:
    reply: dict[str, Any] = {}
    if key_spec.notes:
        reply["notes"] = key_spec.notes
    reply["flags"] = RespSet([SimpleString(flag.encode()) for flag in key_spec.flags])
    if key_spec.begin_index is not None:
        begin: dict[str, Any] = {"type": "index", "spec": {"index": key_spec.begin_index}}
    elif key_spec.keyword is not None:
        begin = {
            "type": "keyword",
            "spec": {"keyword": key_spec.keyword, "startfrom": key_spec.startfrom},
        }
    else:
        begin = {"type": "unknown", "spec": {}}
    reply["begin_search"] = begin
    if key_spec.find == "range":
        find: dict[str, Any] = {
            "type": "range",
            "spec": {"lastkey": key_spec.lastkey, "keystep": key_spec.step, "limit": key_spec.limit},
        }
    elif key_spec.find == "keynum":
        find = {
            "type": "keynum",
            "spec": {
                "keynumidx": key_spec.keynumidx,
                "firstkey": key_spec.firstkey,
                "keystep": key_spec.step,
            },
        }
    else:
        find = {"type": "unknown", "spec": {}}
    reply["find_keys"] = find
    return reply


# --- COMMAND DOCS --------------------------------------------------------------


def command_docs(spec: CommandSpec) -> dict[str, Any]:
    """One COMMAND DOCS value (the map under the command's name)."""
    doc: dict[str, Any] = {"summary": spec.summary, "since": spec.since, "group": spec.group}
    if spec.complexity:
        doc["complexity"] = spec.complexity
    if spec.doc_flags:
        doc["doc_flags"] = RespSet([SimpleString(flag.encode()) for flag in spec.doc_flags])
    if spec.deprecated_since:
        doc["deprecated_since"] = spec.deprecated_since
    if spec.replaced_by:
        doc["replaced_by"] = spec.replaced_by
    if spec.history:
        doc["history"] = RespSet([[version, text] for version, text in spec.history])
    if spec.arguments:
        doc["arguments"] = [argument_doc(arg) for arg in spec.arguments]
    if spec.subcommands:
        doc["subcommands"] = {sub.name: command_docs(sub) for sub in spec.subcommands}
    return doc


def argument_doc(arg: Argument) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": arg.name, "type": arg.type}
    if arg.display:
        doc["display_text"] = arg.display
    if arg.key_spec_index is not None:
        doc["key_spec_index"] = arg.key_spec_index
    if arg.token is not None:
        doc["token"] = arg.token
    if arg.since:
        doc["since"] = arg.since
    if arg.deprecated_since:
        doc["deprecated_since"] = arg.deprecated_since
    flags = [
        SimpleString(flag)
        for flag, present in (
            (b"optional", arg.optional),
            (b"multiple", arg.multiple),
            (b"multiple_token", arg.multiple_token),
        )
        if present
    ]
    if flags:
        doc["flags"] = RespSet(flags)
    if arg.arguments:
        doc["arguments"] = [argument_doc(child) for child in arg.arguments]
    return doc
