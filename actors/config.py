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

import shlex
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from protocol import errors
from actors.engine.glob import glob_match

SHARDIS_VERSION = "0.1.0"
REDIS_VERSION = "7.0.15"


class ConfigError(Exception):
    pass


_MEMORY_UNITS = {
    b"": 1, b"b": 1, b"k": 1000, b"kb": 1024, b"m": 1000**2, b"mb": 1024**2,
    b"g": 1000**3, b"gb": 1024**3,
}


def parse_memory(raw: bytes) -> int:
    text = raw.strip().lower()
    digits = text.rstrip(b"kmgb")
    unit = text[len(digits):]
    if not digits.lstrip(b"-").isdigit() or unit not in _MEMORY_UNITS:
        raise ConfigError("argument must be a memory value")
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

    def parse(self, raw: bytes) -> Any:
        if self.kind == "int":
            text = raw.strip()
            if not text.lstrip(b"-").isdigit():
                raise ConfigError("argument couldn't be parsed into an integer")
            value = int(text)
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                raise ConfigError(
                    f"argument must be between {self.minimum} and {self.maximum} inclusive"
                )
            return value
        if self.kind == "memory":
            value = parse_memory(raw)
            if self.minimum is not None and value < self.minimum:
                raise ConfigError("argument must be a memory value")
            return value
        if self.kind == "bool":
            lowered = raw.strip().lower()
            if lowered not in (b"yes", b"no"):
                raise ConfigError("argument must be 'yes' or 'no'")
            return lowered == b"yes"
        if self.kind == "enum":
            lowered = raw.strip().lower().decode("utf-8", "replace")
            if lowered not in self.choices:
                raise ConfigError(f"argument(s) must be one of the following: {', '.join(self.choices)}")
            return lowered
        if self.kind == "save":
            return parse_save(raw)
        return raw.decode("utf-8", "surrogateescape")

    def render(self, value: Any) -> bytes:
        if self.kind == "bool":
            return b"yes" if value else b"no"
        if self.kind in ("int", "memory"):
            return str(value).encode()
        if self.kind == "save":
            return " ".join(f"{seconds} {changes}" for seconds, changes in value).encode()
        return str(value).encode("utf-8", "surrogateescape")


def parse_save(raw: bytes) -> tuple[tuple[int, int], ...]:
    parts = raw.split()
    if len(parts) % 2:
        raise ConfigError("Invalid save parameters")
    rules = []
    for position in range(0, len(parts), 2):
        seconds, changes = parts[position], parts[position + 1]
        if not seconds.isdigit() or not changes.isdigit():
            raise ConfigError("Invalid save parameters")
        rules.append((int(seconds), int(changes)))
    return tuple(rules)


PARAMS: tuple[Param, ...] = (
    Param("bind", "string", "127.0.0.1", mutable=False),
    Param("port", "int", 6379, mutable=False, minimum=0, maximum=65535),
    Param("databases", "int", 16, mutable=False, minimum=1, maximum=1 << 20),
    Param("shards", "int", 1, mutable=False, minimum=1, maximum=256),
    Param("loglevel", "enum", "notice", choices=("debug", "verbose", "notice", "warning", "nothing")),
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
    Param("rdbcompression", "bool", True),
    Param("rdbchecksum", "bool", True),
    Param("maxclients", "int", 10000, minimum=1),
    Param("timeout", "int", 0, minimum=0),
    Param("tcp-keepalive", "int", 300, minimum=0),
    Param("tcp-backlog", "int", 511, mutable=False, minimum=0),
    Param("hz", "int", 10, minimum=1, maximum=500),
    Param("proto-max-bulk-len", "memory", 512 * 1024 * 1024, minimum=1024 * 1024),
    Param("client-query-buffer-limit", "memory", 1024**3, minimum=1024 * 1024),
    Param("notify-keyspace-events", "string", ""),
    Param("enable-debug-command", "enum", "no", mutable=False, choices=("no", "yes", "local")),
    Param("requirepass", "string", "", sensitive=True),
    Param("maxmemory", "memory", 0, minimum=0),
    Param("maxmemory-policy", "enum", "noeviction", choices=(
        "volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-random",
        "allkeys-random", "volatile-ttl", "noeviction")),
    Param("lazyfree-lazy-expire", "bool", False),
    Param("lazyfree-lazy-user-del", "bool", False),
    Param("lazyfree-lazy-user-flush", "bool", False),
    Param("io-threads", "int", 1, mutable=False, minimum=1, maximum=128),
    Param("slowlog-log-slower-than", "int", 10000),
    Param("slowlog-max-len", "int", 128, minimum=0),
    Param("active-expire-effort", "int", 1, minimum=1, maximum=10),
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
        """CONFIG GET: every parameter matching any glob, in table order."""
        found: dict[bytes, bytes] = {}
        for pattern in patterns:
            lowered = pattern.lower()
            for param in PARAMS:
                names = (param.name, *param.aliases)
                for name in names:
                    if glob_match(lowered, name.encode(), nocase=True):
                        found[name.encode()] = param.render(self.values[param.name])
        return found

    def set_many(self, pairs: list[tuple[bytes, bytes]], *, at_startup: bool = False) -> None:
        """Validate every pair, then apply all; raises ConfigError with Redis's text."""
        parsed: dict[str, Any] = {}
        seen: set[str] = set()
        for raw_name, raw_value in pairs:
            name = raw_name.decode("utf-8", "replace").lower()
            param = PARAMS_BY_NAME.get(name)
            if param is None:
                raise ConfigError(f"Unknown option or number of arguments for CONFIG SET - '{name}'")
            if param.name in seen:
                raise ConfigError(f"Duplicate parameter - '{name}'")
            seen.add(param.name)
            if not param.mutable and not at_startup:
                raise ConfigError(f"CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config")
            try:
                parsed[param.name] = param.parse(raw_value)
            except ConfigError as error:
                raise ConfigError(
                    f"CONFIG SET failed (possibly related to argument '{name}') - {error}"
                ) from None
        for name, value in parsed.items():
            self.values[name] = value
        for name, value in parsed.items():
            for listener in self.listeners.get(name, ()):
                listener(value)

    def on_change(self, name: str, listener: Callable[[Any], None]) -> None:
        self.listeners.setdefault(name, []).append(listener)


def parse_config_text(text: str, source: str) -> list[tuple[bytes, bytes]]:
    """redis.conf syntax: one directive per line, ``#`` comments, quoted values."""
    pairs = []
    for line_number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            words = shlex.split(stripped, comments=False, posix=True)
        except ValueError as error:
            raise ConfigError(f"{source}:{line_number}: {error}") from None
        name, values = words[0].lower(), words[1:]
        if name == "save" and pairs and any(p[0] == b"save" for p in pairs):
            previous = dict(pairs)[b"save"]
            joined = (previous + b" " + " ".join(values).encode()).strip()
            pairs = [(n, v) for n, v in pairs if n != b"save"] + [(b"save", joined)]
            continue
        pairs.append((name.encode(), " ".join(values).encode()))
    return pairs


def parse_command_line(argv: list[str]) -> Config:
    """``shardis-server [config-file] [--name value ...]``: file first, flags override."""
    config = Config()
    pairs: list[tuple[bytes, bytes]] = []
    position = 0
    if argv and not argv[0].startswith("--"):
        path = argv[0]
        try:
            with open(path, encoding="utf-8") as handle:
                pairs.extend(parse_config_text(handle.read(), path))
        except OSError as error:
            raise ConfigError(f"Fatal error, can't open config file '{path}': {error.strerror}") from None
        config.config_file = path
        position = 1
    flags: list[tuple[bytes, bytes]] = []
    while position < len(argv):
        word = argv[position]
        if not word.startswith("--"):
            raise ConfigError(f"Bad directive or wrong number of arguments: '{word}'")
        name = word[2:]
        values = []
        position += 1
        while position < len(argv) and not argv[position].startswith("--"):
            values.append(argv[position])
            position += 1
        flags.append((name.encode(), " ".join(values).encode()))
    unknown = [name.decode() for name, _ in pairs + flags if name.decode().lower() not in PARAMS_BY_NAME]
    if unknown:
        raise ConfigError("Bad directive or wrong number of arguments: unknown parameter(s) " + ", ".join(repr(n) for n in unknown))
    merged: dict[bytes, bytes] = {}
    for name, value in pairs + flags:
        merged[name.lower()] = value
    try:
        config.set_many(list(merged.items()), at_startup=True)
    except ConfigError as error:
        raise ConfigError(str(error).replace("CONFIG SET failed", "Fatal config error")) from None
    return config
