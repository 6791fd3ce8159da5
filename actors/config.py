"""The live configuration: redis.conf parsing, CLI flags, CONFIG GET/SET.

One :class:`Config` object is the server's read-mostly shared state (DESIGN
§7): every actor may read it synchronously; only the supervisor changes it,
through :meth:`Config.set_many`, which validates every pair before applying
any (CONFIG SET is atomic) and then calls the listeners registered for the
changed names.

Each parameter is one :class:`Param` in ``PARAMS``: its type drives parsing,
validation, and how CONFIG GET prints it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from protocol import errors
from protocol.errors import ProtocolError
from protocol.resp.parser import split_inline_args
from actors.engine.glob import glob_match

SHARDIS_VERSION = "0.1.0"
REDIS_VERSION = "7.0.15"


class ConfigError(Exception):
    pass


INT_MIN, INT_MAX = -(2**31), 2**31 - 1
UINT_MAX = 2**32 - 1
LONG_MAX = 2**63 - 1
ULLONG_MAX = 2**64 - 1


_MEMORY_UNITS = {
    b"": 1, b"b": 1, b"k": 1000, b"kb": 1024, b"m": 1000**2, b"mb": 1024**2,
    b"g": 1000**3, b"gb": 1024**3,
}


def parse_memory(raw: bytes) -> int:
    text = raw.strip().lower()
    digits = text.rstrip(b"kmgb")
    unit = text[len(digits):]
    if not digits.isdigit() or unit not in _MEMORY_UNITS:
        raise ConfigError(errors.CONFIG_NOT_MEMORY)
    return int(digits) * _MEMORY_UNITS[unit]


def format_memory(value: int) -> bytes:
    return str(value).encode()


@attrs.frozen
class Param:
    name: str
    kind: str  # int bool string memory enum save
    default: Any
    mutable: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    aliases: tuple[str, ...] = ()
    sensitive: bool = False
    # Redis accepts any value in [minimum, maximum] and then clamps it into
    # [clamp_low, clamp_high] (``hz``: 0..INT_MAX is stored as 1..500).
    clamp: tuple[int, int] | None = None

    def parse(self, raw: bytes) -> Any:
        if self.kind == "int":
            text = raw.strip()
            if not text.lstrip(b"-").isdigit():
                raise ConfigError(errors.CONFIG_NOT_INTEGER)
            return self._bounded(int(text))
        if self.kind == "memory":
            return self._bounded(parse_memory(raw))
        if self.kind == "bool":
            lowered = raw.strip().lower()
            if lowered not in (b"yes", b"no"):
                raise ConfigError(errors.CONFIG_NOT_YES_NO)
            return lowered == b"yes"
        if self.kind == "enum":
            lowered = raw.strip().lower().decode("utf-8", "replace")
            if lowered not in self.choices:
                raise ConfigError(errors.config_not_one_of(self.choices))
            return lowered
        if self.kind == "save":
            return parse_save(raw)
        if self.kind == "notify":
            from actors.pubsub import parse_notify_flags

            try:
                return parse_notify_flags(raw.decode("utf-8", "surrogateescape"))
            except ValueError:
                raise ConfigError(errors.NOTIFY_BAD_CLASS) from None
        if self.kind == "output-limits":
            return parse_output_limits(raw)
        return raw.decode("utf-8", "surrogateescape")

    def _bounded(self, value: int) -> int:
        low = INT_MIN if self.minimum is None else self.minimum
        high = INT_MAX if self.maximum is None else self.maximum
        if not low <= value <= high:
            raise ConfigError(errors.config_out_of_range(low, high))
        if self.clamp is not None:
            value = min(max(value, self.clamp[0]), self.clamp[1])
        return value

    def render(self, value: Any) -> bytes:
        if self.kind == "notify":
            from actors.pubsub import format_notify_flags

            return format_notify_flags(value).encode()
        if self.kind == "bool":
            return b"yes" if value else b"no"
        if self.kind in ("int", "memory"):
            return str(value).encode()
        if self.kind == "save":
            return " ".join(f"{seconds} {changes}" for seconds, changes in value).encode()
        if self.kind == "output-limits":
            return " ".join(
                f"{'slave' if name == 'replica' else name} {hard} {soft} {seconds}"
                for name, (hard, soft, seconds) in value.items()
            ).encode()
        return str(value).encode("utf-8", "surrogateescape")


def parse_output_limits(raw: bytes) -> dict[str, tuple[int, int, int]]:
    """``client-output-buffer-limit``: ``<class> <hard> <soft> <seconds>`` groups;
    the classes not named keep their value (Config.set_many merges)."""
    words = raw.split()
    if not words or len(words) % 4:
        raise ConfigError(errors.OBL_WRONG_ARGS)
    limits: dict[str, tuple[int, int, int]] = {}
    for start in range(0, len(words), 4):
        name = words[start].lower().decode("utf-8", "replace")
        name = {"slave": "replica"}.get(name, name)
        if name not in ("normal", "replica", "pubsub"):
            raise ConfigError(errors.OBL_BAD_CLASS)
        try:
            hard, soft = (parse_memory(word) for word in words[start + 1 : start + 3])
        except ConfigError:
            raise ConfigError(errors.OBL_BAD_VALUE) from None
        seconds_text = words[start + 3]
        if not seconds_text.isdigit() or hard < 0 or soft < 0:
            raise ConfigError(errors.OBL_BAD_VALUE)
        limits[name] = (hard, soft, int(seconds_text))
    return limits


def parse_save(raw: bytes) -> tuple[tuple[int, int], ...]:
    parts = raw.split()
    if len(parts) % 2:
        raise ConfigError(errors.CONFIG_INVALID_SAVE)
    rules = []
    for position in range(0, len(parts), 2):
        seconds, changes = parts[position], parts[position + 1]
        if not seconds.isdigit() or not changes.isdigit():
            raise ConfigError(errors.CONFIG_INVALID_SAVE)
        rules.append((int(seconds), int(changes)))
    return tuple(rules)


# Bounds, enum orders and defaults are Redis 7.0.15's, so CONFIG SET errors
# read the same. Differences on purpose: ``port`` and ``bind`` are immutable
# here (the listeners belong to the supervisor), and ``shards`` is ours.
_POLICIES = (
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction",
)

PARAMS: tuple[Param, ...] = (
    Param("bind", "string", "127.0.0.1", mutable=False),
    Param("port", "int", 6379, mutable=False, minimum=0, maximum=65535),
    Param("databases", "int", 16, mutable=False, minimum=1, maximum=INT_MAX),
    Param("shards", "int", 1, mutable=False, minimum=1, maximum=256),
    Param("loglevel", "enum", "notice", choices=("debug", "verbose", "notice", "warning")),
    Param("logfile", "string", "", mutable=False),
    Param("daemonize", "bool", False, mutable=False),
    Param("protected-mode", "bool", False),
    Param("pidfile", "string", "", mutable=False),
    Param("dir", "string", "."),
    Param("dbfilename", "string", "dump.rdb"),
    Param("save", "save", ((3600, 1), (300, 100), (60, 10000))),
    Param("appendonly", "bool", False),
    Param("appendfilename", "string", "appendonly.aof", mutable=False),
    Param("appenddirname", "string", "appendonlydir", mutable=False),
    Param("appendfsync", "enum", "everysec", choices=("always", "everysec", "no")),
    Param("auto-aof-rewrite-percentage", "int", 100, minimum=0, maximum=INT_MAX),
    Param("auto-aof-rewrite-min-size", "memory", 64 * 1024 * 1024, minimum=0, maximum=LONG_MAX),
    Param("aof-load-truncated", "bool", True),
    Param("aof-use-rdb-preamble", "bool", True),
    Param("stop-writes-on-bgsave-error", "bool", True),
    Param("rdbcompression", "bool", True),
    Param("rdbchecksum", "bool", True),
    Param("maxclients", "int", 10000, minimum=1, maximum=UINT_MAX),
    Param("timeout", "int", 0, minimum=0, maximum=INT_MAX),
    Param("tcp-keepalive", "int", 300, minimum=0, maximum=INT_MAX),
    Param("tcp-backlog", "int", 511, mutable=False, minimum=0, maximum=INT_MAX),
    Param("hz", "int", 10, minimum=0, maximum=INT_MAX, clamp=(1, 500)),
    Param("proto-max-bulk-len", "memory", 512 * 1024 * 1024, minimum=1024 * 1024, maximum=LONG_MAX),
    Param("client-query-buffer-limit", "memory", 1024**3, minimum=1024 * 1024, maximum=LONG_MAX),
    Param("notify-keyspace-events", "notify", ""),
    Param("client-output-buffer-limit", "output-limits", {
        "normal": (0, 0, 0), "replica": (256 * 1024**2, 64 * 1024**2, 60), "pubsub": (32 * 1024**2, 8 * 1024**2, 60),
    }),
    Param("enable-debug-command", "enum", "no", mutable=False, choices=("no", "yes", "local")),
    Param("requirepass", "string", "", sensitive=True),
    Param("maxmemory", "memory", 0, minimum=0, maximum=ULLONG_MAX),
    Param("maxmemory-policy", "enum", "noeviction", choices=_POLICIES),
    Param("maxmemory-samples", "int", 5, minimum=1, maximum=INT_MAX),
    Param("maxmemory-eviction-tenacity", "int", 10, minimum=0, maximum=100),
    Param("lfu-log-factor", "int", 10, minimum=0, maximum=INT_MAX),
    Param("lfu-decay-time", "int", 1, minimum=0, maximum=INT_MAX),
    Param("lazyfree-lazy-eviction", "bool", False),
    Param("lazyfree-lazy-expire", "bool", False),
    Param("lazyfree-lazy-server-del", "bool", False),
    Param("lazyfree-lazy-user-del", "bool", False),
    Param("lazyfree-lazy-user-flush", "bool", False),
    Param("activerehashing", "bool", True),
    Param("io-threads", "int", 1, mutable=False, minimum=1, maximum=128),
    Param("slowlog-log-slower-than", "int", 10000, minimum=-1, maximum=LONG_MAX),
    Param("slowlog-max-len", "int", 128, minimum=0, maximum=LONG_MAX),
    Param("latency-monitor-threshold", "int", 0, minimum=0, maximum=LONG_MAX),
    Param("latency-tracking", "bool", True),
    Param("active-expire-effort", "int", 1, minimum=1, maximum=10),
    Param("hash-max-listpack-entries", "int", 512, minimum=0, maximum=LONG_MAX,
          aliases=("hash-max-ziplist-entries",)),
    Param("hash-max-listpack-value", "memory", 64, minimum=0, maximum=LONG_MAX,
          aliases=("hash-max-ziplist-value",)),
    Param("set-max-intset-entries", "int", 512, minimum=0, maximum=LONG_MAX),
    Param("zset-max-listpack-entries", "int", 128, minimum=0, maximum=LONG_MAX,
          aliases=("zset-max-ziplist-entries",)),
    Param("zset-max-listpack-value", "memory", 64, minimum=0, maximum=LONG_MAX,
          aliases=("zset-max-ziplist-value",)),
    Param("list-max-listpack-size", "int", -2, minimum=INT_MIN, maximum=INT_MAX,
          aliases=("list-max-ziplist-size",)),
    Param("list-compress-depth", "int", 0, minimum=0, maximum=INT_MAX),
    Param("hll-sparse-max-bytes", "memory", 3000, minimum=0, maximum=LONG_MAX),
    Param("stream-node-max-bytes", "memory", 4096, minimum=0, maximum=LONG_MAX),
    Param("stream-node-max-entries", "int", 100, minimum=0, maximum=LONG_MAX),
    Param("busy-reply-threshold", "int", 5000, minimum=0, maximum=LONG_MAX,
          aliases=("lua-time-limit",)),
    Param("tracking-table-max-keys", "int", 1_000_000, minimum=0, maximum=LONG_MAX),
    Param("repl-backlog-size", "memory", 1024 * 1024, minimum=1, maximum=LONG_MAX),
    Param("replica-read-only", "bool", True, aliases=("slave-read-only",)),
    Param("cluster-enabled", "bool", False, mutable=False),
)

PARAMS_BY_NAME: dict[str, Param] = {param.name: param for param in PARAMS}
for _param in PARAMS:
    for _alias in _param.aliases:
        PARAMS_BY_NAME[_alias] = _param


@attrs.define(eq=False)
class Config:
    values: dict[str, Any] = attrs.field(factory=lambda: {p.name: p.default for p in PARAMS})
    config_file: str | None = None
    listeners: dict[str, list[Callable[[Any], None]]] = attrs.field(factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get_matching(self, patterns: Iterable[bytes]) -> dict[bytes, bytes]:
        """CONFIG GET: a pattern without glob characters is looked up and
        answered under the name as sent (Redis does the same); a glob is
        matched against every name and alias."""
        found: dict[bytes, bytes] = {}
        for pattern in patterns:
            if not any(char in pattern for char in b"*?["):
                param = PARAMS_BY_NAME.get(pattern.decode("utf-8", "replace").lower())
                if param is not None and pattern.lower() not in {known.lower() for known in found}:
                    found[pattern] = param.render(self.values[param.name])
                continue
            for param in PARAMS:
                for name in (param.name, *param.aliases):
                    if glob_match(pattern, name.encode(), nocase=True):
                        found[name.encode()] = param.render(self.values[param.name])
        return found

    def set_many(self, pairs: list[tuple[bytes, bytes]], *, at_startup: bool = False) -> None:
        """Validate every pair, then apply all; raises ConfigError with Redis's
        text (without the ``ERR`` prefix). Nothing changes when one pair fails.

        As in Redis 7.0: names are checked first, in order (unknown, immutable,
        duplicate: the first problem wins, named as sent), then values (named
        by the parameter's own name)."""
        seen: set[str] = set()
        checked: list[tuple[Param, bytes]] = []
        for raw_name, raw_value in pairs:
            name = raw_name.decode("utf-8", "replace").lower()
            param = PARAMS_BY_NAME.get(name)
            if param is None:
                raise ConfigError(errors.config_unknown_option(raw_name))
            if not param.mutable and not at_startup:
                raise ConfigError(errors.config_set_failed(raw_name, errors.CONFIG_IMMUTABLE))
            if name in seen:
                raise ConfigError(errors.config_set_failed(raw_name, errors.CONFIG_DUPLICATE))
            seen.add(name)
            checked.append((param, raw_value))
        parsed: dict[str, Any] = {}
        for param, raw_value in checked:
            try:
                parsed[param.name] = param.parse(raw_value)
            except ConfigError as error:
                raise ConfigError(errors.config_set_failed(param.name.encode(), str(error))) from None
        for name, value in parsed.items():
            if PARAMS_BY_NAME[name].kind == "output-limits":
                value = parsed[name] = {**self.values[name], **value}
            self.values[name] = value
        for name, value in parsed.items():
            for listener in self.listeners.get(name, ()):
                listener(value)

    def on_change(self, name: str, listener: Callable[[Any], None]) -> None:
        self.listeners.setdefault(name, []).append(listener)


@attrs.frozen
class Directive:
    """One configuration line: where it came from, for error messages."""

    name: bytes
    value: bytes
    source: str
    line: str


def split_config_line(line: str) -> list[bytes]:
    """Words of one redis.conf line, quoted like Redis's ``sdssplitargs``
    (double quotes take ``\\n``, ``\\xHH`` ... escapes; single quotes only ``\\'``)."""
    try:
        return split_inline_args(line.encode("utf-8", "surrogateescape"))
    except ProtocolError:
        raise ConfigError(errors.CONFIG_UNBALANCED_QUOTES) from None


def parse_config_text(text: str, source: str) -> list[Directive]:
    """redis.conf syntax: one directive per line, ``#`` comment lines, quoted
    values; the words after the name are joined by one space (``save 900 1
    300 10``, ``bind a b``). ``save`` lines add up, as in Redis."""
    directives: list[Directive] = []
    for line_number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{source}, at line {line_number}"
        try:
            words = split_config_line(stripped)
        except ConfigError as error:
            raise ConfigError(_fatal(where, stripped, str(error))) from None
        if not words:
            continue
        name, value = words[0].lower(), b" ".join(words[1:])
        previous = next((d for d in directives if d.name == b"save"), None)
        if name == b"save" and previous is not None:
            directives.remove(previous)
            value = b" ".join(part for part in (previous.value, value) if part)
        directives.append(Directive(name, value, where, stripped))
    return directives


def _fatal(where: str, line: str, reason: str) -> str:
    return f"Reading the configuration file, {where}\n>>> '{line}'\n{reason}"


def parse_command_line(argv: list[str]) -> Config:
    """``shardis-server [config-file] [--name value ...]``: the file first,
    then the flags, which override it (a flag's words are its value)."""
    config = Config()
    directives: list[Directive] = []
    position = 0
    if argv and not argv[0].startswith("--"):
        path = argv[0]
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                directives.extend(parse_config_text(handle.read(), f"file '{path}'"))
        except OSError as error:
            raise ConfigError(f"Fatal error, can't open config file '{path}': {error.strerror}") from None
        config.config_file = os.path.abspath(path)
        position = 1
    while position < len(argv):
        word = argv[position]
        if not word.startswith("--") or len(word) == 2:
            raise ConfigError(errors.config_bad_directive(word))
        values = []
        position += 1
        while position < len(argv) and not argv[position].startswith("--"):
            values.append(argv[position])
            position += 1
        text = " ".join([word[2:], *values])
        directives.append(
            Directive(word[2:].lower().encode(), " ".join(values).encode("utf-8", "surrogateescape"),
                      "from the command line", text)
        )
    merged: dict[bytes, Directive] = {}
    for directive in directives:
        if directive.name.decode("utf-8", "replace") not in PARAMS_BY_NAME:
            raise ConfigError(_fatal(directive.source, directive.line, errors.CONFIG_BAD_DIRECTIVE))
        merged.pop(directive.name, None)
        merged[directive.name] = directive
    try:
        config.set_many([(d.name, d.value) for d in merged.values()], at_startup=True)
    except ConfigError as error:
        raise ConfigError(str(error).replace("CONFIG SET failed", "Fatal config error")) from None
    return config
