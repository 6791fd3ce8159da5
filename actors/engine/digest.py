"""DEBUG DIGEST and DIGEST-VALUE: Redis's order-aware dataset fingerprint.

The same algorithm as Redis, so a digest taken on shardis equals the one
redis-server prints for the same data (tests compare them after running the
same commands on both):

* ``xor(d, data)``: d ^= SHA1(data) — for unordered members (sets, hash
  fields, sorted-set members, the keys of a database);
* ``mix(d, data)``: d = SHA1(d ^ SHA1(data)) — where order matters (list
  elements, a key's name then its value).

A key's digest mixes its name, its type code (4 bytes, big endian), then
its value; a TTL xors in ``!!expire!!``. A database's keys are xored
together; the dataset digest mixes each non-empty database's index before
xoring its keys in. Across shards the per-database xors combine first (xor
is commutative), so the result does not depend on the shard count.
"""

from __future__ import annotations

import hashlib
from typing import Any

from actors.engine.values import type_name

DIGEST_SIZE = 20
ZERO = bytes(DIGEST_SIZE)
TYPE_CODES = {b"string": 0, b"list": 1, b"set": 2, b"zset": 3, b"hash": 4, b"stream": 6}
EXPIRE_MARK = b"!!expire!!"


def xor_digest(digest: bytes, data: bytes) -> bytes:
    return xor_bytes(digest, hashlib.sha1(data).digest())


def mix_digest(digest: bytes, data: bytes) -> bytes:
    return hashlib.sha1(xor_digest(digest, data)).digest()


def xor_bytes(first: bytes, second: bytes) -> bytes:
    return (int.from_bytes(first, "big") ^ int.from_bytes(second, "big")).to_bytes(DIGEST_SIZE, "big")


def format_score(score: float) -> bytes:
    return b"%.17g" % score


def value_digest(digest: bytes, value: Any, has_ttl: bool) -> bytes:
    """Redis's xorObjectDigest: mix the type, then the value, into ``digest``."""
    kind = type_name(value)
    digest = mix_digest(digest, TYPE_CODES[kind].to_bytes(4, "big"))
    if kind == b"string":
        digest = mix_digest(digest, bytes(value))
    elif kind == b"list":
        for element in value:
            digest = mix_digest(digest, element)
    elif kind == b"set":
        for member in value:
            digest = xor_digest(digest, member)
    elif kind == b"zset":
        for score, member in value:
            element = mix_digest(mix_digest(ZERO, member), format_score(score))
            digest = xor_digest(digest, element)
    elif kind == b"hash":
        for field, field_value in value.items():
            element = mix_digest(mix_digest(ZERO, field), field_value)
            digest = xor_digest(digest, element)
    elif kind == b"stream":
        for entry_id, fields in value.digest_entries():
            digest = mix_digest(digest, entry_id)
            for field, field_value in fields:
                digest = mix_digest(mix_digest(digest, field), field_value)
    if has_ttl:
        digest = xor_digest(digest, EXPIRE_MARK)
    return digest


def key_digest(database: Any, key: bytes, value: Any) -> bytes:
    return value_digest(mix_digest(ZERO, key), value, database.get_expire(key) is not None)


def database_xors(keyspace: Any) -> list[bytes | None]:
    """Per database: the xor of SHA1(key digest) over every live key (None when empty)."""
    found: list[bytes | None] = []
    for database in keyspace.databases:
        combined = None
        for key in list(database.keys()):
            value = database.data[key]
            part = hashlib.sha1(key_digest(database, key, value)).digest()
            combined = part if combined is None else xor_bytes(combined, part)
        found.append(combined)
    return found


def combine_dataset(per_shard: list[list[bytes | None]]) -> bytes:
    """The dataset digest from every shard's ``database_xors``."""
    final = ZERO
    for index in range(len(per_shard[0]) if per_shard else 0):
        parts = [xors[index] for xors in per_shard if xors[index] is not None]
        if not parts:
            continue
        final = mix_digest(final, index.to_bytes(4, "big"))
        for part in parts:
            final = xor_bytes(final, part)
    return final
