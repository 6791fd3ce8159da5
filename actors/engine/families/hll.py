"""HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.

An HLL is a string value in Redis's exact representation (see
:mod:`actors.engine.types.hll`), so GET, SET, DUMP and replication carry it
unchanged and a value written by redis-server reads here and back. Values
are edited in place as ``bytearray`` (Redis keeps them "raw"). PFCOUNT of one
key refreshes the cached cardinality in the header when it was invalid,
which is a write: it touches the key and propagates, as Redis does.

``hll-sparse-max-bytes`` comes from the owner through ``ctx.extra`` (Redis's
default, 3000, when the owner does not pass it).
"""

from __future__ import annotations

from typing import Any

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK, SimpleString

from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.types import hll
from actors.engine.values import lookup_string, note_access

SPARSE_MAX_BYTES_DEFAULT = 3000


def _sparse_max_bytes(ctx: ExecContext) -> int:
    return int(ctx.extra.get("hll-sparse-max-bytes", SPARSE_MAX_BYTES_DEFAULT))


def _lookup_hll(ctx: ExecContext, key: bytes) -> bytes | bytearray | None:
    value = lookup_string(ctx, key)
    if value is not None and not hll.is_valid(value):
        raise CommandError(errors.HLL_WRONGTYPE)
    return value


def _writable(ctx: ExecContext, key: bytes, value: bytes | bytearray) -> bytearray:
    if type(value) is bytearray:
        return value
    value = bytearray(value)
    ctx.db.store(key, value)
    return value


def _written(ctx: ExecContext, argv: list[bytes], key: bytes, event: str | None) -> None:
    note_access(ctx, key)
    ctx.touch(key)
    ctx.propagate(argv)
    if event is not None:
        ctx.notify("$", event, key)


@command("pfadd")
def pfadd(ctx: ExecContext, argv: list[bytes]) -> Any:
    key = argv[1]
    found = _lookup_hll(ctx, key)
    updated = found is None
    if found is None:
        value = hll.create()
        ctx.db.store(key, value)
    else:
        value = _writable(ctx, key, found)
    limit = _sparse_max_bytes(ctx)
    try:
        if hll.add_many(value, argv[2:], limit):
            updated = True
    except hll.CorruptHLL:
        raise CommandError(errors.HLL_INVALID) from None
    if not updated:
        return 0
    hll.invalidate_cache(value)
    _written(ctx, argv, key, "pfadd")
    return 1


@command("pfcount")
def pfcount(ctx: ExecContext, argv: list[bytes]) -> Any:
    if len(argv) > 2:
        # A generator: Redis checks and merges key by key, so errors come in key order.
        values = (value for value in (_lookup_hll(ctx, key) for key in argv[1:]) if value is not None)
        try:
            maxima = hll.merged_registers(values)
        except hll.CorruptHLL:
            raise CommandError(errors.HLL_INVALID) from None
        return hll.estimate(hll.histogram_of(maxima))
    key = argv[1]
    found = _lookup_hll(ctx, key)
    if found is None:
        return 0
    cached = hll.cached_cardinality(found)
    if cached is not None:
        return cached
    try:
        cardinality = hll.count(found)
    except hll.CorruptHLL:
        raise CommandError(errors.HLL_INVALID) from None
    value = _writable(ctx, key, found)
    hll.store_cardinality(value, cardinality)
    _written(ctx, argv, key, None)
    return cardinality


@command("pfmerge")
def pfmerge(ctx: ExecContext, argv: list[bytes]) -> Any:
    maxima = bytes(hll.REGISTERS)
    use_dense = False
    for key in argv[1:]:
        value = _lookup_hll(ctx, key)
        if value is None:
            continue
        use_dense = use_dense or hll.encoding(value) == hll.DENSE
        try:
            maxima = hll.merge_registers(maxima, value)
        except hll.CorruptHLL:
            raise CommandError(errors.HLL_INVALID) from None
    destination = argv[1]
    found = ctx.db.lookup(destination)
    if found is None:
        target = hll.create()
        ctx.db.store(destination, target)
    else:
        target = _writable(ctx, destination, found)
    try:
        if use_dense:
            hll.to_dense(target)
        hll.raise_registers(target, maxima, _sparse_max_bytes(ctx))
    except hll.CorruptHLL:
        raise CommandError(errors.HLL_INVALID) from None
    hll.invalidate_cache(target)
    _written(ctx, argv, destination, "pfadd")
    return OK


@command("pfdebug")
def pfdebug(ctx: ExecContext, argv: list[bytes]) -> Any:
    subcommand, key = argv[1], argv[2]
    found = ctx.db.lookup(key)
    if found is None:
        raise CommandError(errors.HLL_NO_KEY)
    found = _lookup_hll(ctx, key)
    assert found is not None
    value = _writable(ctx, key, found)
    name = subcommand.lower()
    try:
        if name == b"getreg":
            if hll.encoding(value) == hll.SPARSE:
                hll.to_dense(value)
                _written(ctx, argv, key, None)
            return hll.dense_registers(value)
        if name == b"decode":
            if hll.encoding(value) != hll.SPARSE:
                raise CommandError(errors.HLL_NOT_SPARSE)
            return hll.decode(value)
        if name == b"encoding":
            return SimpleString(b"dense" if hll.encoding(value) == hll.DENSE else b"sparse")
        if name == b"todense":
            if hll.encoding(value) == hll.DENSE:
                return 0
            hll.to_dense(value)
            _written(ctx, argv, key, None)
            return 1
    except hll.CorruptHLL:
        raise CommandError(errors.HLL_INVALID) from None
    raise CommandError(errors.HLL_UNKNOWN_DEBUG.format(subcommand.decode("utf-8", "replace")))


@command("pfselftest")
def pfselftest(ctx: ExecContext, argv: list[bytes]) -> Any:
    """A short version of Redis's self test: the sparse and dense encodings of
    the same elements agree register for register, and the estimate is near."""
    sparse = hll.create()
    dense = hll.create()
    hll.to_dense(dense)
    for number in range(1000):
        element = b"%d" % number
        hll.add(sparse, element, _sparse_max_bytes(ctx))
        hll.add(dense, element, _sparse_max_bytes(ctx))
    if hll.registers(sparse) != hll.registers(dense):
        raise CommandError(errors.HLL_SELFTEST_FAILED.format("sparse and dense registers differ"))
    if abs(hll.count(dense) - 1000) > 50:
        raise CommandError(errors.HLL_SELFTEST_FAILED.format("estimate out of bounds"))
    return OK
