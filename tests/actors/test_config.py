"""Unit tests of actors/config.py: parameter parsing, CONFIG GET/SET rules,
redis.conf text and command-line parsing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actors.config import (
    PARAMS_BY_NAME,
    Config,
    ConfigError,
    parse_command_line,
    parse_config_text,
    parse_memory,
    split_config_line,
)


@pytest.mark.parametrize(
    "raw, value",
    [(b"0", 0), (b"100", 100), (b"1k", 1000), (b"1kb", 1024), (b"2M", 2_000_000), (b"2mb", 2 * 1024**2),
     (b"1g", 10**9), (b"1GB", 1024**3), (b"1b", 1)],
)
def test_parse_memory_units(raw: bytes, value: int) -> None:
    assert parse_memory(raw) == value


@pytest.mark.parametrize("raw", [b"", b"abc", b"-1", b"1.5mb", b"1tb", b"mb"])
def test_parse_memory_rejects_non_memory_values(raw: bytes) -> None:
    with pytest.raises(ConfigError, match="^argument must be a memory value$"):
        parse_memory(raw)


@pytest.mark.parametrize(
    "name, raw, value",
    [("hz", b"1000", 500), ("hz", b"0", 1), ("hz", b"42", 42), ("appendonly", b"YES", True),
     ("maxmemory-policy", b"AllKeys-LRU", "allkeys-lru"), ("save", b"900 1 300 10", ((900, 1), (300, 10))),
     ("save", b"", ()), ("list-max-listpack-size", b"-2", -2)],
)
def test_param_parse(name: str, raw: bytes, value: object) -> None:
    assert PARAMS_BY_NAME[name].parse(raw) == value


def test_set_many_applies_nothing_when_one_value_is_bad() -> None:
    config = Config()
    with pytest.raises(ConfigError, match="argument 'hz'"):
        config.set_many([(b"maxmemory", b"1mb"), (b"hz", b"x")])
    assert config["maxmemory"] == 0


def test_set_many_calls_listeners_after_applying() -> None:
    config = Config()
    seen: list[object] = []
    config.on_change("hz", lambda value: seen.append((value, config["maxmemory"])))
    config.set_many([(b"hz", b"20"), (b"maxmemory", b"1kb")])
    assert seen == [(20, 1024)]


@pytest.mark.parametrize(
    "pairs, message",
    [
        ([(b"nope", b"1")], "Unknown option or number of arguments for CONFIG SET - 'nope'"),
        ([(b"Port", b"1")], "CONFIG SET failed (possibly related to argument 'Port') - can't set immutable config"),
        ([(b"hz", b"1"), (b"HZ", b"2")], "CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter"),
    ],
)
def test_set_many_errors(pairs: list[tuple[bytes, bytes]], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config().set_many(pairs)
    assert str(caught.value) == message


def test_immutable_params_are_settable_at_startup() -> None:
    config = Config()
    config.set_many([(b"databases", b"4")], at_startup=True)
    assert config["databases"] == 4


def test_get_matching_names_exact_lookups_as_sent_and_globs_by_table_name() -> None:
    config = Config()
    assert config.get_matching([b"HZ"]) == {b"HZ": b"10"}
    assert config.get_matching([b"maxmemory-p*"]) == {b"maxmemory-policy": b"noeviction"}
    assert config.get_matching([b"*-read-only"]) == {b"replica-read-only": b"yes", b"slave-read-only": b"yes"}
    assert config.get_matching([b"nothing-*"]) == {}


def test_config_text_skips_comments_joins_words_and_accumulates_save() -> None:
    text = '# comment\n\n  port 7000\nsave 900 1\nsave 300 10\nbind "127.0.0.1 ::1"\nlogfile ""\n'
    found = {d.name: d.value for d in parse_config_text(text, "test")}
    assert found == {b"port": b"7000", b"save": b"900 1 300 10", b"bind": b"127.0.0.1 ::1", b"logfile": b""}


def test_save_empty_string_disables_snapshots() -> None:
    found = parse_config_text('save ""\n', "test")
    assert [(d.name, d.value) for d in found] == [(b"save", b"")]


@pytest.mark.parametrize(
    "line, words",
    [
        ('a "b c" d', [b"a", b"b c", b"d"]),
        ("a 'b c'", [b"a", b"b c"]),
        ('a "\\x41\\n"', [b"a", b"A\n"]),
        ("a 'it\\'s'", [b"a", b"it's"]),
        ('a ""', [b"a", b""]),
    ],
)
def test_split_config_line_quoting(line: str, words: list[bytes]) -> None:
    assert split_config_line(line) == words


@pytest.mark.parametrize("line", ['a "b', "a 'b", 'a "b"c'])
def test_split_config_line_rejects_unbalanced_quotes(line: str) -> None:
    with pytest.raises(ConfigError, match="Unbalanced quotes"):
        split_config_line(line)


_WORD = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=0, max_size=12)


def _quote(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@given(st.lists(_WORD, min_size=1, max_size=6))
def test_double_quoted_words_round_trip(words: list[str]) -> None:
    line = " ".join(_quote(word) for word in words)
    assert split_config_line(line) == [word.encode() for word in words]


@given(st.lists(st.text(alphabet="abcXYZ019-_.:", min_size=1, max_size=10), min_size=1, max_size=6))
def test_plain_words_split_on_spaces(words: list[str]) -> None:
    assert split_config_line("  ".join(words)) == [word.encode() for word in words]


def test_command_line_flags_override_the_file(tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("port 7000\nhz 20\nmaxmemory 1mb\n")
    config = parse_command_line([str(conf), "--port", "7001", "--save", "", "--maxmemory", "2mb"])
    assert (config["port"], config["hz"], config["maxmemory"], config["save"]) == (7001, 20, 2 * 1024**2, ())
    assert config.config_file == str(conf)


def test_command_line_flag_words_become_one_value() -> None:
    config = parse_command_line(["--save", "900", "1", "300", "10"])
    assert config["save"] == ((900, 1), (300, 10))


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--nope", "1"], "'nope 1'"),
        (["stray", "--port", "1"], "can't open config file 'stray'"),
        (["--hz", "x"], "Fatal config error (possibly related to argument 'hz')"),
        (["--", "x"], "Bad directive"),
    ],
)
def test_command_line_errors_name_the_problem(argv: list[str], fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_command_line(argv)
    assert fragment in str(caught.value)
