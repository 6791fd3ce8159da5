"""DUMP/RESTORE payloads: ``type byte + value + RDB version (2 bytes LE) + CRC-64 (8 bytes LE)``.

The CRC covers everything before it. A payload from a newer RDB version than
:data:`rdb_reader.MAX_VERSION`, or with a wrong checksum, is refused as Redis
refuses it ("DUMP payload version or checksum are wrong"); a payload that
passes but does not decode is "Bad data format". We write RDB 10 so Redis 7.0
accepts our payloads.
"""

from __future__ import annotations

from typing import Any

from actors.engine.persistence.crc64 import crc64
from actors.engine.persistence.rdb_reader import MAX_VERSION, RdbError, read_typed_value
from actors.engine.persistence.rdb_writer import RDB_VERSION, encode_value
from actors.engine.types.stream import Stream


class PayloadVersionOrChecksumError(ValueError):
    pass


class PayloadFormatError(ValueError):
    pass


def dump(value: Any, now_ms: int, compression: bool = True) -> bytes:
    value_type, body = encode_value(value, now_ms, compression)
    payload = bytes((value_type,)) + body + RDB_VERSION.to_bytes(2, "little")
    return payload + crc64(payload).to_bytes(8, "little")


def verify(payload: bytes) -> None:
    if len(payload) < 10:
        raise PayloadVersionOrChecksumError("payload too short")
    version = int.from_bytes(payload[-10:-8], "little")
    if version > MAX_VERSION:
        raise PayloadVersionOrChecksumError(f"RDB version {version}")
    if crc64(payload[:-8]) != int.from_bytes(payload[-8:], "little"):
        raise PayloadVersionOrChecksumError("checksum")


def restore(payload: bytes) -> Any:
    """The value in a payload; raises one of the two errors above."""
    verify(payload)
    body = payload[:-10]
    try:
        value, used = read_typed_value(body)
    except RdbError as error:
        raise PayloadFormatError(str(error)) from None
    if used != len(body) or _is_empty(value):
        raise PayloadFormatError("trailing bytes or empty value")
    return value


def _is_empty(value: Any) -> bool:
    """Redis refuses empty collections; an empty stream is a valid value."""
    return type(value) is not bytes and type(value) is not Stream and len(value) == 0
