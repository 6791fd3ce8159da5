"""String commands.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine / actors; see :mod:`protocol.commands.define` for the
helpers and :mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("string", Scope.KEYS)


def _set_keys(argv: list[bytes]) -> list[tuple[int, tuple[str, ...]]]:
    """SET reads its key only with GET (Redis's setGetKeys)."""
    if any(arg.lower() == b"get" for arg in argv[3:]):
        return [(1, ("RW", "access", "update"))]
    return [(1, ("OW", "update"))]


GET = command(
    "get", 2, "readonly fast", "@read @string @fast",
    keys=[ks("RO access", 1)],
    syntax="key",
    since="1.0.0",
    summary="Get the value of a key",
    complexity="O(1)",
)

SET = command(
    "set", -3, "write denyoom", "@write @string @slow",
    keys=[ks("RW access update variable_flags", 1, notes="RW and ACCESS due to the optional `GET` argument")],
    keys_proc=_set_keys,
    syntax="key value [condition@2.6.12: NX | XX] [GET@6.2.0] [expiration: EX seconds:integer@2.6.12 | PX milliseconds:integer@2.6.12 | EXAT unix-time-seconds:unix-time@6.2.0 | PXAT unix-time-milliseconds:unix-time@6.2.0 | KEEPTTL@6.0.0]",
    since="1.0.0",
    summary="Set the string value of a key",
    complexity="O(1)",
    history=[("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."), ("6.0.0", "Added the `KEEPTTL` option."), ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."), ("7.0.0", "Allowed the `NX` and `GET` options to be used together.")],
)

SETNX = command(
    "setnx", 3, "write denyoom fast", "@write @string @fast",
    keys=[ks("OW insert", 1)],
    syntax="key value",
    since="1.0.0",
    summary="Set the value of a key, only if the key does not exist",
    complexity="O(1)",
)

SETEX = command(
    "setex", 4, "write denyoom", "@write @string @slow",
    keys=[ks("OW update", 1)],
    syntax="key seconds:integer value",
    since="2.0.0",
    summary="Set the value and expiration of a key",
    complexity="O(1)",
)

PSETEX = command(
    "psetex", 4, "write denyoom", "@write @string @slow",
    keys=[ks("OW update", 1)],
    syntax="key milliseconds:integer value",
    since="2.6.0",
    summary="Set the value and expiration in milliseconds of a key",
    complexity="O(1)",
)

GETSET = command(
    "getset", 3, "write denyoom fast", "@write @string @fast",
    keys=[ks("RW access update", 1)],
    syntax="key value",
    since="1.0.0",
    summary="Set the string value of a key and return its old value",
    complexity="O(1)",
    doc_flags="deprecated",
    deprecated_since="6.2.0",
    replaced_by="`SET` with the `!GET` argument",
)

GETDEL = command(
    "getdel", 2, "write fast", "@write @string @fast",
    keys=[ks("RW access delete", 1)],
    syntax="key",
    since="6.2.0",
    summary="Get the value of a key and delete the key",
    complexity="O(1)",
)

GETEX = command(
    "getex", -2, "write fast", "@write @string @fast",
    keys=[ks("RW access update", 1, notes="RW and UPDATE because it changes the TTL")],
    syntax="key [expiration: EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | PERSIST]",
    since="6.2.0",
    summary="Get the value of a key and optionally set its expiration",
    complexity="O(1)",
)

MGET = command(
    "mget", -2, "readonly fast", "@read @string @fast",
    keys=[ks("RO access", 1, lastkey=-1)],
    syntax="key ...",
    tips="request_policy:multi_shard",
    since="1.0.0",
    summary="Get the values of all the given keys",
    complexity="O(N) where N is the number of keys to retrieve.",
)

MSET = command(
    "mset", -3, "write denyoom", "@write @string @slow",
    keys=[ks("OW update", 1, lastkey=-1, step=2)],
    syntax="(key value) ...",
    tips="request_policy:multi_shard response_policy:all_succeeded",
    since="1.0.1",
    summary="Set multiple keys to multiple values",
    complexity="O(N) where N is the number of keys to set.",
)

MSETNX = command(
    "msetnx", -3, "write denyoom", "@write @string @slow",
    keys=[ks("OW insert", 1, lastkey=-1, step=2)],
    syntax="(key value) ...",
    tips="request_policy:multi_shard response_policy:agg_min",
    since="1.0.1",
    summary="Set multiple keys to multiple values, only if none of the keys exist",
    complexity="O(N) where N is the number of keys to set.",
)

APPEND = command(
    "append", 3, "write denyoom fast", "@write @string @fast",
    keys=[ks("RW insert", 1)],
    syntax="key value",
    since="2.0.0",
    summary="Append a value to a key",
    complexity="O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
)

STRLEN = command(
    "strlen", 2, "readonly fast", "@read @string @fast",
    keys=[ks("RO", 1)],
    syntax="key",
    since="2.2.0",
    summary="Get the length of the value stored in a key",
    complexity="O(1)",
)

INCR = command(
    "incr", 2, "write denyoom fast", "@write @string @fast",
    keys=[ks("RW access update", 1)],
    syntax="key",
    since="1.0.0",
    summary="Increment the integer value of a key by one",
    complexity="O(1)",
)

DECR = command(
    "decr", 2, "write denyoom fast", "@write @string @fast",
    keys=[ks("RW access update", 1)],
    syntax="key",
    since="1.0.0",
    summary="Decrement the integer value of a key by one",
    complexity="O(1)",
)

INCRBY = command(
    "incrby", 3, "write denyoom fast", "@write @string @fast",
    keys=[ks("RW access update", 1)],
    syntax="key increment:integer",
    since="1.0.0",
    summary="Increment the integer value of a key by the given amount",
    complexity="O(1)",
)

DECRBY = command(
    "decrby", 3, "write denyoom fast", "@write @string @fast",
    keys=[ks("RW access update", 1)],
    syntax="key decrement:integer",
    since="1.0.0",
    summary="Decrement the integer value of a key by the given number",
    complexity="O(1)",
)

INCRBYFLOAT = command(
    "incrbyfloat", 3, "write denyoom fast", "@write @string @fast",
    keys=[ks("RW access update", 1)],
    syntax="key increment:double",
    since="2.6.0",
    summary="Increment the float value of a key by the given amount",
    complexity="O(1)",
)

GETRANGE = command(
    "getrange", 4, "readonly", "@read @string @slow",
    keys=[ks("RO access", 1)],
    syntax="key start:integer end:integer",
    since="2.4.0",
    summary="Get a substring of the string stored at a key",
    complexity="O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
)

SETRANGE = command(
    "setrange", 4, "write denyoom", "@write @string @slow",
    keys=[ks("RW update", 1)],
    syntax="key offset:integer value",
    since="2.2.0",
    summary="Overwrite part of a string at key starting at the specified offset",
    complexity="O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
)

SUBSTR = command(
    "substr", 4, "readonly", "@read @string @slow",
    keys=[ks("RO access", 1)],
    syntax="key start:integer end:integer",
    since="1.0.0",
    summary="Get a substring of the string stored at a key",
    complexity="O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
    doc_flags="deprecated",
    deprecated_since="2.0.0",
    replaced_by="`GETRANGE`",
)

LCS = command(
    "lcs", -3, "readonly", "@read @string @slow",
    keys=[ks("RO access", 1, lastkey=1)],
    syntax="key1:key key2:key [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]",
    since="7.0.0",
    summary="Find longest common substring",
    complexity="O(N*M) where N and M are the lengths of s1 and s2, respectively",
)


SPECS = (
    GET,
    SET,
    SETNX,
    SETEX,
    PSETEX,
    GETSET,
    GETDEL,
    GETEX,
    MGET,
    MSET,
    MSETNX,
    APPEND,
    STRLEN,
    INCR,
    DECR,
    INCRBY,
    DECRBY,
    INCRBYFLOAT,
    GETRANGE,
    SETRANGE,
    SUBSTR,
    LCS,
)
