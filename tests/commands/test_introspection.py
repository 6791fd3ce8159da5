"""COMMAND replies compared with redis-server 7.0.15 (captured in redis_7_0_15)."""

from __future__ import annotations

import pytest

from protocol.commands.introspection import HELP_LINES, command_reply
from protocol.commands.table import ALL_SPECS, COMMANDS
from protocol.errors import CommandError
from protocol.resp.values import SimpleString

from .normalize import plain
from .redis_7_0_15 import ERRORS, REDIS_7_0_15

NAMES = sorted({name for _, name in REDIS_7_0_15})


def _sorted_subcommands(entry):
    """Redis lists subcommands in hash order; compare them sorted by name."""
    if isinstance(entry, list) and len(entry) == 10 and isinstance(entry[9], list):
        return entry[:9] + [sorted((_sorted_subcommands(sub) for sub in entry[9]), key=lambda sub: sub[0])]
    if isinstance(entry, dict) and "subcommands" in entry:
        entry = dict(entry)
        entry["subcommands"] = dict(sorted(
            (name, _sorted_subcommands(doc)) for name, doc in entry["subcommands"].items()
        ))
    return entry


@pytest.mark.parametrize("name", NAMES)
def test_command_info_matches_redis(name):
    (entry,) = plain(command_reply([b"INFO", name.encode()]))
    assert _sorted_subcommands(entry) == _sorted_subcommands(REDIS_7_0_15[("info", name)])


@pytest.mark.parametrize("name", NAMES)
def test_command_docs_matches_redis(name):
    docs = plain(command_reply([b"DOCS", name.encode()]))
    expected = REDIS_7_0_15[("docs", name)]
    assert {key: _sorted_subcommands(doc) for key, doc in docs.items()} == {
        key: _sorted_subcommands(doc) for key, doc in expected.items()
    }


def test_command_info_has_a_null_for_an_unknown_name():
    reply = command_reply([b"INFO", b"get", b"nosuch"])
    assert reply[0][0] == "get" and reply[1] is None


def test_command_docs_skips_unknown_names():
    assert command_reply([b"DOCS", b"nosuch"]) == {}


def test_command_and_command_count_cover_every_top_level_command():
    assert command_reply([]) and len(command_reply([])) == command_reply([b"COUNT"]) == len(COMMANDS)


def test_command_list_names_subcommands_too():
    assert sorted(command_reply([b"LIST"])) == sorted(spec.name for spec in ALL_SPECS)


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ([b"PATTERN", b"get*"], {"get", "getbit", "getdel", "getex", "getrange", "getset"}),
        ([b"pattern", b"CONFIG|[gs]et"], {"config|get", "config|set"}),
        ([b"ACLCAT", b"transaction"], {"multi", "exec", "discard", "watch", "unwatch"}),
        ([b"MODULE", b"json"], set()),
    ],
)
def test_command_list_filters(filter_, expected):
    assert set(command_reply([b"LIST", b"FILTERBY", *filter_])) == expected


@pytest.mark.parametrize("argv", [("COMMAND", "LIST", "FILTERBY", "foo", "x"), ("COMMAND", "LIST", "x")])
def test_command_list_rejects_bad_filters(argv):
    with pytest.raises(CommandError) as raised:
        command_reply([word.encode() for word in argv[1:]])
    assert ("-", raised.value.message) == ERRORS[argv]


def test_command_help_is_status_lines():
    reply = command_reply([b"HELP"])
    assert all(isinstance(line, SimpleString) for line in reply)
    assert [line.decode() for line in reply] == list(HELP_LINES)
