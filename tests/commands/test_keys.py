"""Key extraction against redis-server 7.0.15's COMMAND GETKEYS / GETKEYSANDFLAGS."""

from __future__ import annotations

import pytest

from protocol.commands.define import ks
from protocol.commands.keys import InvalidKeys, key_positions, keys_and_flags
from protocol.commands.spec import CommandSpec
from protocol.commands.introspection import command_reply
from protocol.commands.table import lookup_full
from protocol.errors import CommandError

from .normalize import plain
from .redis_7_0_15 import ERRORS, GETKEYS


def _argv(words):
    return [word.encode() for word in words]


@pytest.mark.parametrize("words", list(GETKEYS), ids=lambda words: " ".join(words))
def test_key_positions_match_redis_getkeys(words):
    argv = _argv(words)
    spec = lookup_full(argv)
    expected_keys, _ = GETKEYS[words]
    if isinstance(expected_keys, tuple):  # Redis replied with an error
        with pytest.raises(InvalidKeys):
            key_positions(spec, argv)
        return
    keys = [words[position] for position in key_positions(spec, argv)]
    # SET's key spec is one plain range, GETKEYS agrees on positions either way
    assert keys == expected_keys


@pytest.mark.parametrize("words", list(GETKEYS), ids=lambda words: " ".join(words))
def test_command_getkeys_and_getkeysandflags_replies_match_redis(words):
    expected_keys, expected_flags = GETKEYS[words]
    for sub, expected in ((b"GETKEYS", expected_keys), (b"GETKEYSANDFLAGS", expected_flags)):
        if isinstance(expected, tuple):
            with pytest.raises(CommandError) as raised:
                command_reply([sub, *_argv(words)])
            assert ("-", raised.value.message) == expected
        else:
            assert plain(command_reply([sub, *_argv(words)])) == expected


@pytest.mark.parametrize(
    "argv", [argv for argv in ERRORS if argv[:2] == ("COMMAND", "GETKEYS") and len(argv) > 3],
    ids=lambda argv: " ".join(argv),
)
def test_command_getkeys_errors_match_redis(argv):
    with pytest.raises(CommandError) as raised:
        command_reply(_argv(argv[1:]))
    assert ("-", raised.value.message) == ERRORS[argv]


def _spec(*key_specs, arity=-2):
    return CommandSpec(name="test", arity=arity, group="test", since="7.0.0", summary="t", key_specs=key_specs)


@pytest.mark.parametrize(
    ("key_spec", "words", "positions"),
    [
        (ks("RO", 1), ["x", "k"], [1]),
        (ks("RW", 1, lastkey=-1, step=2), ["x", "a", "1", "b", "2"], [1, 3]),
        (ks("RO", 1, lastkey=-2), ["x", "a", "b", "timeout"], [1, 2]),
        (ks("RO", keyword="STREAMS", lastkey=-1, limit=2), ["x", "COUNT", "1", "streams", "s1", "s2", "0", "0"], [4, 5]),
        (ks("RW", keyword="KEYS", startfrom=-2, lastkey=-1), ["x", "h", "p", "", "0", "5", "KEYS", "a", "b"], [7, 8]),
        (ks("RO", 1, keynumidx=0, firstkey=1), ["x", "2", "a", "b", "arg"], [2, 3]),
        (ks("RO", 2, keynumidx=0, firstkey=1), ["x", "script", "0", "arg"], []),
    ],
)
def test_general_key_specs_find_keys_as_redis_does(key_spec, words, positions):
    spec = _spec(key_spec)
    argv = _argv(words)
    if positions:
        assert key_positions(spec, argv) == positions
    else:
        with pytest.raises(InvalidKeys):
            key_positions(spec, argv)


def test_a_keyword_spec_without_its_keyword_finds_no_keys():
    spec = _spec(ks("RO", keyword="STORE", lastkey=0))
    assert keys_and_flags(spec, _argv(["x", "a"])) == []


def test_a_bad_keynum_is_invalid():
    spec = _spec(ks("RO", 1, keynumidx=0))
    for count in ("-1", "x", "01", "9"):
        with pytest.raises(InvalidKeys):
            key_positions(spec, _argv(["x", count, "a"]))


# What redis-server 7.0.15 printed for COMMAND GETKEYSANDFLAGS BITFIELD ...
BITFIELD_FLAGS = [
    ("k", ["RO", "access"]),
    ("k GET u8 0", ["RO", "access"]),
    ("k get u8 0 overflow wrap", ["RO", "access"]),
    ("k OVERFLOW SAT", ["RO", "access"]),
    ("k SET u8 0 1", ["RW", "access", "update"]),
    ("k GET u8 0 INCRBY u8 0 1", ["RW", "access", "update"]),
    ("k GET u8", ["RW", "access", "update"]),
    ("k OVERFLOW", ["RW", "access", "update"]),
    ("k FOO", ["RW", "access", "update"]),
]


@pytest.mark.parametrize("words, flags", BITFIELD_FLAGS)
def test_bitfield_key_flags_depend_on_its_subcommands_as_in_redis(words, flags):
    argv = _argv(["BITFIELD", *words.split()])
    assert plain(command_reply([b"GETKEYSANDFLAGS", *argv])) == [["k", ("~", [("+", flag) for flag in flags])]]
