"""DEBUG OBJECT: the low-level line Redis prints about a key's value.

``Value at:<address> refcount:<n> encoding:<enc> serializedlength:<bytes>
lru:<clock> lru_seconds_idle:<s>`` plus, for lists, Redis's quicklist
figures. The serialized length is the RDB encoding of the value, as Redis
measures it; for lists it is our plain-list encoding, so it differs from
Redis's quicklist-2 length.
"""

from __future__ import annotations

import math
from typing import Any

from actors.engine.persistence.rdb_writer import encode_value
from actors.engine.values import object_encoding, type_name

LRU_CLOCK_MAX = (1 << 24) - 1
SHARED_INTEGERS = 10000
SHARED_REFCOUNT = 2147483647
QUICKLIST_NODE_BYTES = 8192


def describe(database: Any, key: bytes, now_ms: int) -> bytes | None:
    value = database.lookup(key)
    if value is None:
        return None
    encoding = object_encoding(value)
    refcount = 1
    if encoding == b"int" and 0 <= int(value) < SHARED_INTEGERS:
        refcount = SHARED_REFCOUNT
    _, serialized = encode_value(value, now_ms)
    accessed = database.access.get(key, now_ms // 1000)
    idle = max(now_ms // 1000 - accessed, 0)
    line = (
        b"Value at:0x%x refcount:%d encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d"
        % (id(value), refcount, encoding, len(serialized), accessed & LRU_CLOCK_MAX, idle)
    )
    if type_name(value) == b"list":
        size = sum(len(element) + 2 for element in value)
        nodes = max(1, math.ceil(size / QUICKLIST_NODE_BYTES))
        line += b" ql_nodes:%d ql_avg_node:%.2f ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:%d" % (
            nodes, len(value) / nodes, size,
        )
    return line
