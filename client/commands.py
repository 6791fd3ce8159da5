"""The command methods, shared by the client and its pipelines.

:class:`Commands` holds a method for the commands whose arguments or reply
redis-py users know by heart (``set(ex=, px=, nx=, ...)``, ``expire(...) -> bool``,
``scan() -> (cursor, keys)``, ``info() -> dict`` ...). Every other command of the
table gets a generated method from :mod:`client.generated`, so the client covers
the table as it grows. A method only builds the argument list and names the reply
callback; ``_run`` decides what happens: the client sends it and returns an
awaitable, a pipeline queues it and returns itself for chaining.
"""

from __future__ import annotations

import datetime
from typing import Any, Iterable, Mapping

from . import replies
from .replies import Callback

__all__ = ["Commands"]

Key = bytes | str
Value = bytes | str | int | float
Expiry = int | datetime.timedelta


def _seconds(value: Expiry) -> int:
    return int(value.total_seconds()) if isinstance(value, datetime.timedelta) else value


def _millis(value: Expiry) -> int:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() * 1000)
    return value


def _unix_seconds(value: int | datetime.datetime) -> int:
    return int(value.timestamp()) if isinstance(value, datetime.datetime) else value


def _unix_millis(value: int | datetime.datetime) -> int:
    return int(value.timestamp() * 1000) if isinstance(value, datetime.datetime) else value


def _expire_flags(nx: bool, xx: bool, gt: bool, lt: bool) -> list[str]:
    return [flag for flag, wanted in (("NX", nx), ("XX", xx), ("GT", gt), ("LT", lt)) if wanted]


def _flatten(keys: Key | Iterable[Key], more: tuple[Key, ...]) -> list[Key]:
    if isinstance(keys, (bytes, str)):
        return [keys, *more]
    return [*keys, *more]


class Commands:
    """Command methods; subclasses provide ``_run(callback, *args)``."""

    def _run(self, callback: Callback | None, *args: Any) -> Any:
        raise NotImplementedError

    def execute_command(self, *args: Any) -> Any:
        """Any command, words and arguments as given (redis-py's name)."""
        return self._run(None, *args)

    # keys -----------------------------------------------------------------

    def delete(self, *names: Key) -> Any:
        return self._run(None, "DEL", *names)

    def unlink(self, *names: Key) -> Any:
        return self._run(None, "UNLINK", *names)

    def exists(self, *names: Key) -> Any:
        return self._run(None, "EXISTS", *names)

    def touch(self, *names: Key) -> Any:
        return self._run(None, "TOUCH", *names)

    def type(self, name: Key) -> Any:
        return self._run(None, "TYPE", name)

    def rename(self, src: Key, dst: Key) -> Any:
        return self._run(replies.ok, "RENAME", src, dst)

    def renamenx(self, src: Key, dst: Key) -> Any:
        return self._run(replies.to_bool, "RENAMENX", src, dst)

    def copy(self, source: Key, destination: Key, destination_db: int | None = None,
             replace: bool = False) -> Any:
        args: list[Any] = ["COPY", source, destination]
        if destination_db is not None:
            args += ["DB", destination_db]
        if replace:
            args.append("REPLACE")
        return self._run(replies.to_bool, *args)

    def move(self, name: Key, db: int) -> Any:
        return self._run(replies.to_bool, "MOVE", name, db)

    def keys(self, pattern: Key = "*") -> Any:
        return self._run(None, "KEYS", pattern)

    def randomkey(self) -> Any:
        return self._run(None, "RANDOMKEY")

    def scan(self, cursor: int = 0, match: Key | None = None, count: int | None = None,
             _type: str | None = None) -> Any:
        args: list[Any] = ["SCAN", cursor]
        if match is not None:
            args += ["MATCH", match]
        if count is not None:
            args += ["COUNT", count]
        if _type is not None:
            args += ["TYPE", _type]
        return self._run(replies.scan, *args)

    def expire(self, name: Key, time: Expiry, nx: bool = False, xx: bool = False,
               gt: bool = False, lt: bool = False) -> Any:
        return self._run(replies.to_bool, "EXPIRE", name, _seconds(time), *_expire_flags(nx, xx, gt, lt))

    def pexpire(self, name: Key, time: Expiry, nx: bool = False, xx: bool = False,
                gt: bool = False, lt: bool = False) -> Any:
        return self._run(replies.to_bool, "PEXPIRE", name, _millis(time), *_expire_flags(nx, xx, gt, lt))

    def expireat(self, name: Key, when: int | datetime.datetime, nx: bool = False, xx: bool = False,
                 gt: bool = False, lt: bool = False) -> Any:
        return self._run(replies.to_bool, "EXPIREAT", name, _unix_seconds(when), *_expire_flags(nx, xx, gt, lt))

    def pexpireat(self, name: Key, when: int | datetime.datetime, nx: bool = False, xx: bool = False,
                  gt: bool = False, lt: bool = False) -> Any:
        return self._run(replies.to_bool, "PEXPIREAT", name, _unix_millis(when), *_expire_flags(nx, xx, gt, lt))

    def ttl(self, name: Key) -> Any:
        return self._run(None, "TTL", name)

    def pttl(self, name: Key) -> Any:
        return self._run(None, "PTTL", name)

    def expiretime(self, name: Key) -> Any:
        return self._run(None, "EXPIRETIME", name)

    def pexpiretime(self, name: Key) -> Any:
        return self._run(None, "PEXPIRETIME", name)

    def persist(self, name: Key) -> Any:
        return self._run(replies.to_bool, "PERSIST", name)

    # strings --------------------------------------------------------------

    def get(self, name: Key) -> Any:
        return self._run(None, "GET", name)

    def set(self, name: Key, value: Value, ex: Expiry | None = None, px: Expiry | None = None,
            nx: bool = False, xx: bool = False, keepttl: bool = False, get: bool = False,
            exat: int | datetime.datetime | None = None,
            pxat: int | datetime.datetime | None = None) -> Any:
        """SET; True when it ran, None when NX/XX stopped it; with ``get=True``
        the old value instead."""
        args: list[Any] = ["SET", name, value]
        if ex is not None:
            args += ["EX", _seconds(ex)]
        if px is not None:
            args += ["PX", _millis(px)]
        if exat is not None:
            args += ["EXAT", _unix_seconds(exat)]
        if pxat is not None:
            args += ["PXAT", _unix_millis(pxat)]
        if keepttl:
            args.append("KEEPTTL")
        if nx:
            args.append("NX")
        if xx:
            args.append("XX")
        if get:
            args.append("GET")
            return self._run(None, *args)
        return self._run(replies.ok_or_none, *args)

    def setnx(self, name: Key, value: Value) -> Any:
        return self._run(replies.to_bool, "SETNX", name, value)

    def setex(self, name: Key, time: Expiry, value: Value) -> Any:
        return self._run(replies.ok, "SETEX", name, _seconds(time), value)

    def psetex(self, name: Key, time_ms: Expiry, value: Value) -> Any:
        return self._run(replies.ok, "PSETEX", name, _millis(time_ms), value)

    def getset(self, name: Key, value: Value) -> Any:
        return self._run(None, "GETSET", name, value)

    def getdel(self, name: Key) -> Any:
        return self._run(None, "GETDEL", name)

    def getex(self, name: Key, ex: Expiry | None = None, px: Expiry | None = None,
              exat: int | datetime.datetime | None = None,
              pxat: int | datetime.datetime | None = None, persist: bool = False) -> Any:
        args: list[Any] = ["GETEX", name]
        if ex is not None:
            args += ["EX", _seconds(ex)]
        if px is not None:
            args += ["PX", _millis(px)]
        if exat is not None:
            args += ["EXAT", _unix_seconds(exat)]
        if pxat is not None:
            args += ["PXAT", _unix_millis(pxat)]
        if persist:
            args.append("PERSIST")
        return self._run(None, *args)

    def mget(self, keys: Key | Iterable[Key], *args: Key) -> Any:
        return self._run(None, "MGET", *_flatten(keys, args))

    def mset(self, mapping: Mapping[Key, Value]) -> Any:
        return self._run(replies.ok, "MSET", *[part for pair in mapping.items() for part in pair])

    def msetnx(self, mapping: Mapping[Key, Value]) -> Any:
        return self._run(replies.to_bool, "MSETNX", *[part for pair in mapping.items() for part in pair])

    def append(self, key: Key, value: Value) -> Any:
        return self._run(None, "APPEND", key, value)

    def strlen(self, name: Key) -> Any:
        return self._run(None, "STRLEN", name)

    def incr(self, name: Key, amount: int = 1) -> Any:
        return self._run(None, *(("INCR", name) if amount == 1 else ("INCRBY", name, amount)))

    def decr(self, name: Key, amount: int = 1) -> Any:
        return self._run(None, *(("DECR", name) if amount == 1 else ("DECRBY", name, amount)))

    def incrby(self, name: Key, amount: int = 1) -> Any:
        return self._run(None, "INCRBY", name, amount)

    def decrby(self, name: Key, amount: int = 1) -> Any:
        return self._run(None, "DECRBY", name, amount)

    def incrbyfloat(self, name: Key, amount: float = 1.0) -> Any:
        return self._run(replies.to_float, "INCRBYFLOAT", name, amount)

    def getrange(self, key: Key, start: int, end: int) -> Any:
        return self._run(None, "GETRANGE", key, start, end)

    def substr(self, name: Key, start: int, end: int = -1) -> Any:
        return self._run(None, "SUBSTR", name, start, end)

    def setrange(self, name: Key, offset: int, value: Value) -> Any:
        return self._run(None, "SETRANGE", name, offset, value)

    def lcs(self, key1: Key, key2: Key, len: bool = False, idx: bool = False,
            minmatchlen: int = 0, withmatchlen: bool = False) -> Any:
        args: list[Any] = ["LCS", key1, key2]
        if len:
            args.append("LEN")
        if idx:
            args.append("IDX")
        if minmatchlen:
            args += ["MINMATCHLEN", minmatchlen]
        if withmatchlen:
            args.append("WITHMATCHLEN")
        return self._run(replies.lcs, *args)

    # hashes ------------------------------------------------------------------

    def hgetall(self, name: Key) -> Any:
        """A dict in RESP2 and RESP3 alike."""
        return self._run(replies.pairs_to_dict, "HGETALL", name)

    # connection and server ---------------------------------------------------

    def ping(self, message: Value | None = None) -> Any:
        if message is None:
            return self._run(replies.ping, "PING")
        return self._run(None, "PING", message)

    def echo(self, value: Value) -> Any:
        return self._run(None, "ECHO", value)

    def dbsize(self) -> Any:
        return self._run(None, "DBSIZE")

    def flushdb(self, asynchronous: bool = False) -> Any:
        return self._run(replies.ok, "FLUSHDB", *(["ASYNC"] if asynchronous else []))

    def flushall(self, asynchronous: bool = False) -> Any:
        return self._run(replies.ok, "FLUSHALL", *(["ASYNC"] if asynchronous else []))

    def swapdb(self, first: int, second: int) -> Any:
        return self._run(replies.ok, "SWAPDB", first, second)

    def time(self) -> Any:
        return self._run(replies.time_reply, "TIME")

    def info(self, section: str | None = None, *sections: str) -> Any:
        args = ["INFO"] + ([section, *sections] if section is not None else [])
        return self._run(replies.info, *args)

    def config_get(self, pattern: Key = "*", *patterns: Key) -> Any:
        return self._run(replies.pairs_to_dict, "CONFIG", "GET", pattern, *patterns)

    def config_set(self, name: Key, value: Value, *more: Value) -> Any:
        return self._run(replies.ok, "CONFIG", "SET", name, value, *more)

    def config_resetstat(self) -> Any:
        return self._run(replies.ok, "CONFIG", "RESETSTAT")

    def config_rewrite(self) -> Any:
        return self._run(replies.ok, "CONFIG", "REWRITE")

    def client_id(self) -> Any:
        return self._run(None, "CLIENT", "ID")

    def client_info(self) -> Any:
        return self._run(replies.client_info, "CLIENT", "INFO")

    def client_list(self, _type: str | None = None, client_id: Iterable[int] = ()) -> Any:
        args: list[Any] = ["CLIENT", "LIST"]
        if _type is not None:
            args += ["TYPE", _type]
        ids = list(client_id)
        if ids:
            args += ["ID", *ids]
        return self._run(replies.client_list, *args)

    def client_getname(self) -> Any:
        return self._run(None, "CLIENT", "GETNAME")

    def client_pause(self, timeout: int, all: bool = True) -> Any:
        return self._run(replies.ok, "CLIENT", "PAUSE", timeout, *([] if all else ["WRITE"]))

    def client_unpause(self) -> Any:
        return self._run(replies.ok, "CLIENT", "UNPAUSE")

    def client_setinfo(self, attr: str, value: Value) -> Any:
        return self._run(replies.ok, "CLIENT", "SETINFO", attr, value)

    def command_count(self) -> Any:
        return self._run(None, "COMMAND", "COUNT")

    def command_info(self, *names: str) -> Any:
        return self._run(None, "COMMAND", "INFO", *names)

    def command_docs(self, *names: str) -> Any:
        return self._run(replies.pairs_to_dict, "COMMAND", "DOCS", *names)

    def command_getkeys(self, *args: Value) -> Any:
        return self._run(None, "COMMAND", "GETKEYS", *args)

