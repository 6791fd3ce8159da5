"""Invariants of the command table and the resolve() gate."""

from __future__ import annotations

import pytest

from protocol.commands.keys import has_keys
from protocol.commands.spec import Scope
from protocol.commands.syntax import max_arity, min_arity
from protocol.commands.table import ALL_SPECS, BY_FULL_NAME, COMMANDS, resolve
from protocol.errors import CommandError

from .redis_7_0_15 import ERRORS

# Redis 7.0 documents every CLIENT KILL filter as optional, yet one is required,
# and documents no arguments for COMMAND GETKEYS[ANDFLAGS].
LOOSE_DOCUMENTED_ARITY = {"client|kill", "command|getkeys", "command|getkeysandflags"}
# Redis 7.0 documents a required argument its arity lets go (GEOPOS key).
ARITY_BELOW_DOCUMENTED = {"geohash", "geopos", "pfmerge"}

# Write commands that touch no key by design.
KEYLESS_WRITES = {"flushdb", "flushall", "swapdb"}


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.name)
def test_every_spec_has_name_arity_group_and_summary(spec):
    assert spec.name == spec.name.lower()
    assert spec.arity != 0
    assert spec.group and spec.summary and spec.since


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.name)
def test_arity_matches_the_syntax_minimum(spec):
    if spec.subcommands or spec.name in ("debug",):
        return  # containers and DEBUG document no arguments
    words = 1 + spec.name.count("|")
    minimum = words + min_arity(spec.arguments)
    maximum = max_arity(spec.arguments)
    if spec.arity > 0:
        assert maximum is not None and spec.arity == minimum == words + maximum
    elif spec.name in ARITY_BELOW_DOCUMENTED:
        assert -spec.arity == minimum - 1
    else:
        assert minimum <= -spec.arity
        assert -spec.arity == minimum or spec.name in LOOSE_DOCUMENTED_ARITY


@pytest.mark.parametrize("spec", [spec for spec in ALL_SPECS if spec.is_write], ids=lambda spec: spec.name)
def test_every_write_command_declares_keys_or_is_keyless_by_design(spec):
    assert has_keys(spec) or spec.name in KEYLESS_WRITES


@pytest.mark.parametrize("spec", [spec for spec in ALL_SPECS if spec.key_specs], ids=lambda spec: spec.name)
def test_key_arguments_point_at_existing_key_specs(spec):
    def walk(args):
        for arg in args:
            if arg.key_spec_index is not None:
                assert arg.key_spec_index < len(spec.key_specs)
            walk(arg.arguments)

    walk(spec.arguments)


def test_subcommands_are_named_parent_bar_sub():
    for top in COMMANDS.values():
        for sub in top.subcommands:
            assert sub.name.startswith(top.name + "|")
            assert sub.container == top.name
            assert sub.group == top.group


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("ping", Scope.CONNECTION), ("client|kill", Scope.CONNECTION), ("exec", Scope.CONNECTION),
        ("command|docs", Scope.CONNECTION), ("time", Scope.CONNECTION), ("config|set", Scope.SERVER),
        ("info", Scope.SERVER), ("dbsize", Scope.ALL_SHARDS), ("scan", Scope.ALL_SHARDS),
        ("swapdb", Scope.ALL_SHARDS), ("get", Scope.KEYS), ("object|encoding", Scope.KEYS),
    ],
)
def test_specs_carry_the_scope_they_run_in(name, scope):
    assert BY_FULL_NAME[name].scope is scope


@pytest.mark.parametrize(
    "argv", [argv for argv in ERRORS if argv[0].lower() != "command"], ids=lambda argv: " ".join(argv)[:40]
)
def test_resolve_rejects_bad_requests_with_redis_texts(argv):
    with pytest.raises(CommandError) as raised:
        resolve([word.encode() for word in argv])
    assert ("-", raised.value.message) == ERRORS[argv]


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        ([b"GET", b"k"], "get"), ([b"get", b"k"], "get"), ([b"gEt", b"k"], "get"),
        ([b"CONFIG", b"Get", b"x"], "config|get"), ([b"client", b"NO-EVICT", b"on"], "client|no-evict"),
        ([b"mset", b"a", b"1", b"b", b"2"], "mset"), ([b"ping"], "ping"),
    ],
)
def test_resolve_finds_commands_and_subcommands_in_any_case(argv, name):
    assert resolve(argv).name == name


def test_resolve_names_unknown_commands_with_a_nul_cut_and_no_newlines():
    with pytest.raises(CommandError) as raised:
        resolve([b"fo\r\no", b"a\x00b"])
    assert raised.value.message == "ERR unknown command 'fo  o', with args beginning with: 'a' "
