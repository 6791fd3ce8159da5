"""Cluster hash slots: CRC16 (XMODEM) of the key, or of its ``{hash tag}``, mod 16384.

Shared by the router, cluster mode and the client. The tag is the bytes
between the first ``{`` and the first ``}`` after it, when that is non-empty;
otherwise the whole key is hashed (Redis ``keyHashSlot``).
"""

from __future__ import annotations

__all__ = ["SLOTS", "crc16", "key_slot"]

SLOTS = 16384


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_TABLE = _make_table()


def crc16(data: bytes) -> int:
    """CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0."""
    crc = 0
    table = _TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFF00) ^ table[(crc >> 8) ^ byte]
    return crc


def key_slot(key: bytes) -> int:
    """The hash slot (0..16383) that owns ``key``."""
    start = key.find(b"{")
    if start != -1:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1 : end]
    return crc16(key) & (SLOTS - 1)
