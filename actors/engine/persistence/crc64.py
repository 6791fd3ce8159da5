"""CRC-64/Jones, the checksum of RDB files and DUMP payloads.

Parameters (Redis's ``crc64.c``): polynomial 0xad93d23594c935a9, reflected
input and output, initial value 0, no final xor; the result is stored
little-endian. ``crc64(b"123456789") == 0xe9c6d914c4b8d9ca``.

Pure Python with slicing-by-8 tables: eight bytes per loop step, about
four times the speed of the byte-at-a-time loop. ``crc64`` takes the running
value so a file can be checksummed as it is written, chunk by chunk.
"""

from __future__ import annotations

POLY_REFLECTED = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 bit-reversed
MASK = 0xFFFFFFFFFFFFFFFF


def _tables() -> list[list[int]]:
    first = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ POLY_REFLECTED if crc & 1 else crc >> 1
        first.append(crc)
    tables = [first]
    for _ in range(7):
        previous = tables[-1]
        tables.append([(value >> 8) ^ first[value & 0xFF] for value in previous])
    return tables


_T = _tables()
_T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7 = _T


def crc64(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """The CRC of ``data``, continuing from ``crc`` (0 for a fresh checksum)."""
    view = memoryview(data).cast("B")
    length = len(view)
    whole = length - length % 8
    if whole:
        t0, t1, t2, t3, t4, t5, t6, t7 = _T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7
        from_bytes = int.from_bytes
        for position in range(0, whole, 8):
            crc ^= from_bytes(view[position : position + 8], "little")
            crc = (
                t7[crc & 0xFF]
                ^ t6[(crc >> 8) & 0xFF]
                ^ t5[(crc >> 16) & 0xFF]
                ^ t4[(crc >> 24) & 0xFF]
                ^ t3[(crc >> 32) & 0xFF]
                ^ t2[(crc >> 40) & 0xFF]
                ^ t1[(crc >> 48) & 0xFF]
                ^ t0[crc >> 56]
            )
    for byte in view[whole:]:
        crc = _T0[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc
