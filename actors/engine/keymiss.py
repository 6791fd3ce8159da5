"""Which lookups raise the ``keymiss`` keyspace event (class ``m``).

Redis 7.0 raises it from lookupKeyRead when a key is missing: any key of a
command that is not a write, the read-only keys of a write (SINTERSTORE's
sources, COPY's source, SORT ... STORE's key), and the own key of the writes
that read it first (GETEX, GETDEL, GETSET, PFMERGE, SET ... GET). Write
lookups and the LOOKUP_NONOTIFY readers (OBJECT, MEMORY USAGE) do not. The
shard asks :func:`read_lookup_kind` only while the event class is enabled.
"""

from __future__ import annotations

from protocol.commands.keys import InvalidKeys, keys_and_flags
from protocol.commands.table import BY_FULL_NAME

# keymiss (Redis 7.0 lookupKey): a read lookup that misses raises it; write
# lookups and these LOOKUP_NONOTIFY readers do not.
NO_KEYMISS = frozenset({"object|encoding", "object|freq", "object|idletime", "object|refcount", "memory|usage"})
# Write commands whose own (read-write) key Redis looks up for reading.
READ_LOOKUP_WRITES = frozenset({"getex", "getdel", "getset", "pfmerge"})

NOT_A_READ, KEY_READ, OWN_KEY_READ = 0, 1, 2


def read_lookup_kind(name: str, argv: list[bytes], key: bytes) -> int:
    """Whether ``name`` looks ``key`` up for reading, so that a miss raises
    ``keymiss`` (Redis 7.0's lookupKeyRead): any key of a command that is not a
    write and the read-only keys of a write (KEY_READ); the own key of GETEX,
    GETDEL, GETSET, PFMERGE and SET ... GET (OWN_KEY_READ); else NOT_A_READ.
    A GET-only BITFIELD is a read by its key flags (RO)."""
    spec = BY_FULL_NAME.get(name)
    if spec is None or name in NO_KEYMISS:
        return NOT_A_READ
    try:
        found = keys_and_flags(spec, argv)
    except InvalidKeys:
        return NOT_A_READ
    if not spec.is_write:
        own = KEY_READ
    elif (
        name in READ_LOOKUP_WRITES
        or (name == "set" and any(arg.upper() == b"GET" for arg in argv[3:]))
    ):
        own = OWN_KEY_READ
    else:
        own = NOT_A_READ
    for position, flags in found:
        if argv[position] == key:
            if "RO" in flags:
                return KEY_READ
            if own:
                return own
    return NOT_A_READ
