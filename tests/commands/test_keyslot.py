"""Cluster hash slots."""

from __future__ import annotations

import pytest

from protocol.keyslot import crc16, key_slot


def test_crc16_matches_the_xmodem_check_value():
    assert crc16(b"123456789") == 0x31C3


@pytest.mark.parametrize(
    ("key", "slot"),
    [
        (b"foo", 12182), (b"bar", 5061), (b"", 0), (b"hello", 866), (b"somekey", 11058), (b"foo{hash_tag}", 2515),
        (b"foo{}{bar}", 8363), (b"foo{{bar}}zap", 4015),
        (b"foo{bar}{zap}", 5061), (b"{}", 15257),
    ],
)
def test_key_slot_of_known_keys(key, slot):
    assert key_slot(key) == slot


def test_keys_sharing_a_hash_tag_share_a_slot():
    assert key_slot(b"{user1000}.following") == key_slot(b"{user1000}.followers")


def test_an_empty_hash_tag_hashes_the_whole_key():
    assert key_slot(b"{}abc") == crc16(b"{}abc") % 16384
