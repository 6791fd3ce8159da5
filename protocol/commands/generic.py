"""Keyspace commands that work on any type: existence, renaming, expiry, scanning.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine / actors; see :mod:`protocol.commands.define` for the
helpers and :mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("generic", Scope.KEYS)

DEL = command(
    "del", -2, "write", "@keyspace @write @slow",
    keys=[ks("RM delete", 1, lastkey=-1)],
    syntax="key ...",
    tips="request_policy:multi_shard response_policy:agg_sum",
    since="1.0.0",
    summary="Delete a key",
    complexity="O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
)

UNLINK = command(
    "unlink", -2, "write fast", "@keyspace @write @fast",
    keys=[ks("RM delete", 1, lastkey=-1)],
    syntax="key ...",
    tips="request_policy:multi_shard response_policy:agg_sum",
    since="4.0.0",
    summary="Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    complexity="O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
)

EXISTS = command(
    "exists", -2, "readonly fast", "@keyspace @read @fast",
    keys=[ks("RO", 1, lastkey=-1)],
    syntax="key ...",
    tips="request_policy:multi_shard response_policy:agg_sum",
    since="1.0.0",
    summary="Determine if a key exists",
    complexity="O(N) where N is the number of keys to check.",
    history=[("3.0.3", "Accepts multiple `key` arguments.")],
)

TYPE = command(
    "type", 2, "readonly fast", "@keyspace @read @fast",
    keys=[ks("RO", 1)],
    syntax="key",
    since="1.0.0",
    summary="Determine the type stored at key",
    complexity="O(1)",
)

TOUCH = command(
    "touch", -2, "readonly fast", "@keyspace @read @fast",
    keys=[ks("RO", 1, lastkey=-1)],
    syntax="key ...",
    tips="request_policy:multi_shard response_policy:agg_sum",
    since="3.2.1",
    summary="Alters the last access time of a key(s). Returns the number of existing keys specified.",
    complexity="O(N) where N is the number of keys that will be touched.",
)

RENAME = command(
    "rename", 3, "write", "@keyspace @write @slow",
    keys=[ks("RW access delete", 1), ks("OW update", 2)],
    syntax="key newkey:key#1",
    since="1.0.0",
    summary="Rename a key",
    complexity="O(1)",
)

RENAMENX = command(
    "renamenx", 3, "write fast", "@keyspace @write @fast",
    keys=[ks("RW access delete", 1), ks("OW insert", 2)],
    syntax="key newkey:key#1",
    since="1.0.0",
    summary="Rename a key, only if the new key does not exist",
    complexity="O(1)",
    history=[("3.2.0", "The command no longer returns an error when source and destination names are the same.")],
)

COPY = command(
    "copy", -3, "write denyoom", "@keyspace @write @slow",
    keys=[ks("RO access", 1), ks("OW update", 2)],
    syntax="source:key destination:key#1 [DB destination-db:integer] [REPLACE]",
    since="6.2.0",
    summary="Copy a key",
    complexity="O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
)

MOVE = command(
    "move", 3, "write fast", "@keyspace @write @fast",
    keys=[ks("RW access update", 1)],
    syntax="key db:integer",
    since="1.0.0",
    summary="Move a key to another database",
    complexity="O(1)",
)

KEYS = command(
    "keys", 2, "readonly", "@keyspace @read @slow @dangerous",
    syntax="pattern:pattern",
    tips="request_policy:all_shards nondeterministic_output_order",
    since="1.0.0",
    summary="Find all keys matching the given pattern",
    complexity="O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    scope=Scope.ALL_SHARDS,
)

SCAN = command(
    "scan", -2, "readonly", "@keyspace @read @slow",
    syntax="cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type@6.0.0]",
    tips="nondeterministic_output request_policy:special",
    since="2.8.0",
    summary="Incrementally iterate the keys space",
    complexity="O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    history=[("6.0.0", "Added the `TYPE` subcommand.")],
    scope=Scope.ALL_SHARDS,
)

RANDOMKEY = command(
    "randomkey", 1, "readonly", "@keyspace @read @slow",
    tips="request_policy:all_shards nondeterministic_output",
    since="1.0.0",
    summary="Return a random key from the keyspace",
    complexity="O(1)",
    scope=Scope.ALL_SHARDS,
)

OBJECT_ENCODING = command(
    "object|encoding", 3, "readonly", "@keyspace @read @slow",
    keys=[ks("RO", 2)],
    syntax="key",
    tips="nondeterministic_output",
    since="2.2.3",
    summary="Inspect the internal encoding of a Redis object",
    complexity="O(1)",
)

OBJECT_REFCOUNT = command(
    "object|refcount", 3, "readonly", "@keyspace @read @slow",
    keys=[ks("RO", 2)],
    syntax="key",
    tips="nondeterministic_output",
    since="2.2.3",
    summary="Get the number of references to the value of the key",
    complexity="O(1)",
)

OBJECT_IDLETIME = command(
    "object|idletime", 3, "readonly", "@keyspace @read @slow",
    keys=[ks("RO", 2)],
    syntax="key",
    tips="nondeterministic_output",
    since="2.2.3",
    summary="Get the time since a Redis object was last accessed",
    complexity="O(1)",
)

OBJECT_FREQ = command(
    "object|freq", 3, "readonly", "@keyspace @read @slow",
    keys=[ks("RO", 2)],
    syntax="key",
    tips="nondeterministic_output",
    since="4.0.0",
    summary="Get the logarithmic access frequency counter of a Redis object",
    complexity="O(1)",
)

OBJECT_HELP = command(
    "object|help", 2, "loading stale", "@keyspace @slow",
    since="6.2.0",
    summary="Show helpful text about the different subcommands",
    complexity="O(1)",
)

OBJECT = command(
    "object", -2, "", "@slow",
    since="2.2.3",
    summary="A container for object introspection commands",
    complexity="Depends on subcommand.",
    subcommands=[OBJECT_ENCODING, OBJECT_REFCOUNT, OBJECT_IDLETIME, OBJECT_FREQ, OBJECT_HELP],
)

EXPIRE = command(
    "expire", -3, "write fast", "@keyspace @write @fast",
    keys=[ks("RW update", 1)],
    syntax="key seconds:integer [condition@7.0.0: NX | XX | GT | LT]",
    since="1.0.0",
    summary="Set a key's time to live in seconds",
    complexity="O(1)",
    history=[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
)

PEXPIRE = command(
    "pexpire", -3, "write fast", "@keyspace @write @fast",
    keys=[ks("RW update", 1)],
    syntax="key milliseconds:integer [condition@7.0.0: NX | XX | GT | LT]",
    since="2.6.0",
    summary="Set a key's time to live in milliseconds",
    complexity="O(1)",
    history=[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
)

EXPIREAT = command(
    "expireat", -3, "write fast", "@keyspace @write @fast",
    keys=[ks("RW update", 1)],
    syntax="key unix-time-seconds:unix-time [condition@7.0.0: NX | XX | GT | LT]",
    since="1.2.0",
    summary="Set the expiration for a key as a UNIX timestamp",
    complexity="O(1)",
    history=[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
)

PEXPIREAT = command(
    "pexpireat", -3, "write fast", "@keyspace @write @fast",
    keys=[ks("RW update", 1)],
    syntax="key unix-time-milliseconds:unix-time [condition@7.0.0: NX | XX | GT | LT]",
    since="2.6.0",
    summary="Set the expiration for a key as a UNIX timestamp specified in milliseconds",
    complexity="O(1)",
    history=[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
)

TTL = command(
    "ttl", 2, "readonly fast", "@keyspace @read @fast",
    keys=[ks("RO access", 1)],
    syntax="key",
    tips="nondeterministic_output",
    since="1.0.0",
    summary="Get the time to live for a key in seconds",
    complexity="O(1)",
    history=[("2.8.0", "Added the -2 reply.")],
)

PTTL = command(
    "pttl", 2, "readonly fast", "@keyspace @read @fast",
    keys=[ks("RO access", 1)],
    syntax="key",
    tips="nondeterministic_output",
    since="2.6.0",
    summary="Get the time to live for a key in milliseconds",
    complexity="O(1)",
    history=[("2.8.0", "Added the -2 reply.")],
)

EXPIRETIME = command(
    "expiretime", 2, "readonly fast", "@keyspace @read @fast",
    keys=[ks("RO access", 1)],
    syntax="key",
    since="7.0.0",
    summary="Get the expiration Unix timestamp for a key",
    complexity="O(1)",
)

PEXPIRETIME = command(
    "pexpiretime", 2, "readonly fast", "@keyspace @read @fast",
    keys=[ks("RO access", 1)],
    syntax="key",
    since="7.0.0",
    summary="Get the expiration Unix timestamp for a key in milliseconds",
    complexity="O(1)",
)

PERSIST = command(
    "persist", 2, "write fast", "@keyspace @write @fast",
    keys=[ks("RW update", 1)],
    syntax="key",
    since="2.2.0",
    summary="Remove the expiration from a key",
    complexity="O(1)",
)

DUMP = command(
    "dump", 2, "readonly", "@keyspace @read @slow",
    keys=[ks("RO access", 1)],
    syntax="key",
    tips="nondeterministic_output",
    since="2.6.0",
    summary="Return a serialized version of the value stored at the specified key.",
    complexity="O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
)

RESTORE = command(
    "restore", -4, "write denyoom", "@keyspace @write @slow @dangerous",
    keys=[ks("OW update", 1)],
    syntax="key ttl:integer serialized-value [REPLACE@3.0.0] [ABSTTL@5.0.0] [IDLETIME seconds:integer@5.0.0] [FREQ frequency:integer@5.0.0]",
    since="2.6.0",
    summary="Create a key using the provided serialized value, previously obtained using DUMP.",
    complexity="O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
    history=[("3.0.0", "Added the `REPLACE` modifier."), ("5.0.0", "Added the `ABSTTL` modifier."), ("5.0.0", "Added the `IDLETIME` and `FREQ` options.")],
)


SPECS = (
    DEL,
    UNLINK,
    EXISTS,
    TYPE,
    TOUCH,
    RENAME,
    RENAMENX,
    COPY,
    MOVE,
    KEYS,
    SCAN,
    RANDOMKEY,
    OBJECT,
    EXPIRE,
    PEXPIRE,
    EXPIREAT,
    PEXPIREAT,
    TTL,
    PTTL,
    EXPIRETIME,
    PEXPIRETIME,
    PERSIST,
    DUMP,
    RESTORE,
)
