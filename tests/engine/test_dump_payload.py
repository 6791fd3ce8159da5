from __future__ import annotations

import pytest

from actors.engine.persistence import dump_payload
from actors.engine.types.quicklist import QuickList

# DUMP of the string "hello" and of RPUSH l a b c (a listpack node) from redis-server 7.0.15.
REDIS_STRING = b"\x00\x05hello\n\x00cr\xdfve4 \n"
REDIS_LIST = (
    b"\x12\x01\x02\x10\x10\x00\x00\x00\x03\x00\x81a\x02\x81b\x02\x81c\x02\xff\n\x00"
    b"\xc8\x18\xb9\x0c\x953R\x9e"
)


def test_a_string_payload_from_redis_restores() -> None:
    assert dump_payload.restore(REDIS_STRING) == b"hello"


def test_a_quicklist_payload_from_redis_restores() -> None:
    assert list(dump_payload.restore(REDIS_LIST)) == [b"a", b"b", b"c"]


def test_our_string_payload_is_byte_identical_to_redis() -> None:
    assert dump_payload.dump(b"hello", 0) == REDIS_STRING


def test_a_payload_round_trips() -> None:
    value = QuickList([b"x", b"12", b"y" * 100])
    assert list(dump_payload.restore(dump_payload.dump(value, 0))) == list(value)


def test_a_flipped_byte_fails_the_checksum() -> None:
    payload = bytearray(REDIS_STRING)
    payload[3] ^= 1
    with pytest.raises(dump_payload.PayloadVersionOrChecksumError):
        dump_payload.restore(bytes(payload))


def test_a_newer_rdb_version_is_refused() -> None:
    from actors.engine.persistence.crc64 import crc64

    body = b"\x00\x01x" + (99).to_bytes(2, "little")
    with pytest.raises(dump_payload.PayloadVersionOrChecksumError):
        dump_payload.restore(body + crc64(body).to_bytes(8, "little"))


def test_a_valid_checksum_over_garbage_is_a_format_error() -> None:
    from actors.engine.persistence.crc64 import crc64

    body = b"\x63garbage" + (10).to_bytes(2, "little")
    with pytest.raises(dump_payload.PayloadFormatError):
        dump_payload.restore(body + crc64(body).to_bytes(8, "little"))
