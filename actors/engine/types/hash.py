"""The hash value: a ``dict`` of field -> value with optional per-field expiry.

:class:`Hash` is a ``dict`` subclass with one slot, ``meta``. A hash that
never had a field TTL and never outgrew Redis's listpack limits keeps
``meta`` at None, so it costs one pointer more than a plain dict and every
read is a C-level dict operation. ``meta`` (a :class:`HashMeta`) appears when
the hash has to remember something:

* ``hashtable``: Redis 7.0 keeps a small hash in a listpack and converts it
  to a hash table once it holds more than 512 entries (hash-max-listpack-entries;
  redis.conf and the binary both default to 512, not 128) or a field or value
  longer than 64 bytes; it never converts back. OBJECT ENCODING reports it.
* ``expires``: field -> absolute unix ms (Redis 7.4 hash field expiry), with
  a lazy min-heap of ``(expire_at_ms, field)`` so the next expiry and the
  expired fields are found without scanning. A heap entry whose time no
  longer matches ``expires`` is stale and skipped; the heap is rebuilt when
  stale entries outnumber live ones.

Rules for callers: fields are written with :meth:`Hash.set_field` (drops the
field's TTL, as HSET does) or plain item assignment (keeps it, as HINCRBY
does) and removed with :meth:`Hash.delete_field`; before reading, the family
calls :meth:`Hash.expire_fields` when :meth:`Hash.next_field_expire` is due,
so no reader ever sees an expired field.

:class:`FieldExpiryIndex` is the per-database index the active expiry cycle
walks: a min-heap of ``(next field expiry, key)`` for hashes with field TTLs,
registered by the family; entries are re-checked against the live value
when popped, so renames, overwrites and deletes only leave stale entries
that cost one pop.

Value types know nothing of commands or RESP.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterable
from typing import Any

import attrs

LISTPACK_MAX_ENTRIES = 512
LISTPACK_MAX_VALUE = 64


@attrs.define(eq=False, slots=True)
class HashMeta:
    hashtable: bool = False
    expires: dict[bytes, int] | None = None
    heap: list[tuple[int, bytes]] = attrs.field(factory=list)

    def copy(self) -> HashMeta:
        expires = dict(self.expires) if self.expires else None
        heap = [(at, field) for field, at in expires.items()] if expires else []
        heapq.heapify(heap)
        return HashMeta(self.hashtable, expires, heap)


class Hash(dict):  # type: ignore[type-arg]
    """field (bytes) -> value (bytes), plus :class:`HashMeta` when needed."""

    __slots__ = ("meta",)
    redis_type = b"hash"

    def __init__(self, items: Iterable[tuple[bytes, bytes]] = ()) -> None:
        dict.__init__(self, items)
        self.meta: HashMeta | None = None

    # -- writes -----------------------------------------------------------
    def set_field(self, field: bytes, value: bytes) -> bool:
        """HSET semantics: store, drop any TTL; True if the field is new."""
        created = field not in self
        self[field] = value
        meta = self.meta
        if meta is not None and meta.expires and field in meta.expires:
            self._forget_expire(meta, field)
        return created

    def delete_field(self, field: bytes) -> bool:
        if self.pop(field, None) is None:
            return False
        meta = self.meta
        if meta is not None and meta.expires and field in meta.expires:
            self._forget_expire(meta, field)
        return True

    def note_sizes(self, longest: int) -> None:
        """A write stored strings up to ``longest`` bytes: convert to a hash
        table as Redis 7.0 does (sticky)."""
        if longest > LISTPACK_MAX_VALUE or len(self) > LISTPACK_MAX_ENTRIES:
            meta = self.meta
            if meta is None:
                self.meta = HashMeta(hashtable=True)
            else:
                meta.hashtable = True

    def encoding(self) -> bytes:
        meta = self.meta
        if meta is None:
            return b"listpack"
        if meta.hashtable:
            return b"hashtable"
        return b"listpackex" if meta.expires else b"listpack"

    def copy(self) -> Hash:  # type: ignore[override]
        duplicate = Hash(self.items())
        if self.meta is not None:
            duplicate.meta = self.meta.copy()
        return duplicate

    def random_fields(self, count: int) -> list[bytes]:
        """``count`` distinct fields (count <= len)."""
        return random.sample(list(self), count)

    def random_field(self) -> bytes:
        return random.choice(list(self))

    def random_fields_with_repeats(self, count: int) -> list[bytes]:
        return random.choices(list(self), k=count)

    # -- field expiry -----------------------------------------------------
    def has_field_ttls(self) -> bool:
        meta = self.meta
        return meta is not None and bool(meta.expires)

    def field_expire(self, field: bytes) -> int | None:
        meta = self.meta
        if meta is None or not meta.expires:
            return None
        return meta.expires.get(field)

    def set_field_expire(self, field: bytes, expire_at_ms: int) -> None:
        meta = self.meta
        if meta is None:
            meta = self.meta = HashMeta()
        if meta.expires is None:
            meta.expires = {}
        meta.expires[field] = expire_at_ms
        heapq.heappush(meta.heap, (expire_at_ms, field))
        if len(meta.heap) > 2 * len(meta.expires) + 16:
            self._rebuild_heap(meta)

    def persist_field(self, field: bytes) -> bool:
        meta = self.meta
        if meta is None or not meta.expires or field not in meta.expires:
            return False
        self._forget_expire(meta, field)
        return True

    def next_field_expire(self) -> int | None:
        """The earliest field expiry (may be early after a TTL was raised or
        removed: a caller that acts on it finds nothing due and moves on)."""
        meta = self.meta
        if meta is None or not meta.expires:
            return None
        heap = meta.heap
        expires = meta.expires
        while heap and expires.get(heap[0][1]) != heap[0][0]:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def expire_fields(self, now_ms: int, limit: int | None = None) -> list[bytes]:
        """Delete fields whose time has come (``expire_at <= now``), at most
        ``limit``; returns them in expiry order."""
        meta = self.meta
        if meta is None or not meta.expires:
            return []
        heap, expires = meta.heap, meta.expires
        expired: list[bytes] = []
        while heap and heap[0][0] <= now_ms:
            if limit is not None and len(expired) >= limit:
                break
            expire_at, field = heapq.heappop(heap)
            if expires.get(field) == expire_at:
                del expires[field]
                del self[field]
                expired.append(field)
        if not expires:
            meta.heap = []
        return expired

    def _forget_expire(self, meta: HashMeta, field: bytes) -> None:
        assert meta.expires is not None
        del meta.expires[field]
        if not meta.expires:
            meta.heap = []
        elif len(meta.heap) > 2 * len(meta.expires) + 16:
            self._rebuild_heap(meta)

    @staticmethod
    def _rebuild_heap(meta: HashMeta) -> None:
        assert meta.expires is not None
        meta.heap = [(at, field) for field, at in meta.expires.items()]
        heapq.heapify(meta.heap)


ExpiredListener = Callable[[int, bytes, list[bytes], bool], None]


@attrs.define(eq=False, slots=True)
class FieldExpiryIndex:
    """Per-database: which hashes carry field TTLs, by their next expiry."""

    heap: list[tuple[int, bytes]] = attrs.field(factory=list)
    registered: dict[bytes, int] = attrs.field(factory=dict)

    def register(self, key: bytes, expire_at_ms: int) -> None:
        """``key`` holds a hash with a field expiring at ``expire_at_ms``."""
        current = self.registered.get(key)
        if current is None or expire_at_ms < current:
            self.registered[key] = expire_at_ms
            heapq.heappush(self.heap, (expire_at_ms, key))

    def is_registered(self, key: bytes) -> bool:
        return key in self.registered

    def __len__(self) -> int:
        return len(self.registered)

    def expire_due(self, db: Any, now_ms: int, quota: int, on_expired: ExpiredListener) -> int:
        """Active expiry: expire up to ``quota`` due fields across the hashes
        of ``db`` (a Database). A hash left empty is deleted. Calls
        ``on_expired(db.index, key, fields, key_deleted)`` per hash touched and
        returns the number of fields expired."""
        heap, registered = self.heap, self.registered
        expired_total = 0
        while heap and heap[0][0] <= now_ms and expired_total < quota:
            expire_at, key = heapq.heappop(heap)
            if registered.get(key) != expire_at:
                continue  # a stale entry: a sooner one was registered later
            del registered[key]
            value = db.data.get(key)
            if type(value) is not Hash or not db.is_alive(key):
                continue  # gone, replaced or renamed; key expiry owns a dead key
            fields = value.expire_fields(now_ms, quota - expired_total)
            expired_total += len(fields)
            following = value.next_field_expire()
            if following is not None:
                self.register(key, following)
            if fields:
                key_deleted = not value
                if key_deleted:
                    db.delete(key)
                db.touch(key)
                on_expired(db.index, key, fields, key_deleted)
        return expired_total

    def clear(self) -> None:
        self.heap = []
        self.registered = {}
