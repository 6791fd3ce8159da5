"""The router: which shard owns which key, and how fanned-out replies merge.

Keys map to cluster slots (CRC16 with hash tags) and slots to shards in
contiguous ranges, so keys that share a ``{tag}`` always share a shard.
ALL_SHARDS commands are planned and merged by the spec's response policy
(``agg_sum`` for DBSIZE, ``all_succeeded`` for FLUSHALL ...); SCAN addresses
one shard at a time through its cursor: ``global = local * shards + shard``.
"""

from __future__ import annotations

import random
from typing import Any

import attrs

from protocol.commands.keys import InvalidKeys, key_positions
from protocol.commands.spec import CommandSpec, Scope
from protocol.commands.table import BY_FULL_NAME
from protocol.keyslot import key_slot
from protocol.resp.values import ErrorReply

SLOTS = 16384
UINT64_MAX = (1 << 64) - 1


@attrs.define(eq=False)
class Router:
    shard_count: int

    def shard_of_key(self, key: bytes) -> int:
        if self.shard_count == 1:
            return 0
        return key_slot(key) * self.shard_count // SLOTS

    def shards_of(self, spec: CommandSpec, argv: list[bytes]) -> set[int]:
        """Shards owning the command's keys; {0} when it has none or argv is malformed
        (the handler then reports the error)."""
        if self.shard_count == 1:
            return {0}
        try:
            positions = key_positions(spec, argv)
        except InvalidKeys:
            return {0}
        if not positions:
            return {0}
        return {self.shard_of_key(argv[position]) for position in positions}

    def is_all_shards(self, name: str) -> bool:
        return BY_FULL_NAME[name].scope is Scope.ALL_SHARDS

    def plan_all_shards(self, name: str, argv: list[bytes]) -> list[tuple[int, list[bytes]]]:
        """(shard id, argv for that shard) for an ALL_SHARDS command."""
        if name == "scan":
            cursor = argv[1]
            if cursor.isdigit() and int(cursor) <= UINT64_MAX:
                value = int(cursor)
                local = [argv[0], str(value // self.shard_count).encode(), *argv[2:]]
                return [(value % self.shard_count, local)]
            return [(0, argv)]
        return [(shard_id, argv) for shard_id in range(self.shard_count)]

    def merge(self, name: str, argv: list[bytes], replies: list[Any], shard_ids: list[int]) -> Any:
        for reply in replies:
            if type(reply) is ErrorReply:
                return reply
        merge = _MERGES.get(name)
        if merge is not None:
            return merge(self, replies, shard_ids)
        policy = _response_policy(BY_FULL_NAME[name])
        if policy == "agg_sum":
            return sum(replies)
        if policy == "all_succeeded" or not isinstance(replies[0], list):
            return replies[0]
        merged: list[Any] = []
        for reply in replies:
            merged.extend(reply)
        return merged

    def _merge_scan(self, replies: list[Any], shard_ids: list[int]) -> Any:
        (local_next, keys), shard_id = replies[0], shard_ids[0]
        if local_next:
            cursor = local_next * self.shard_count + shard_id
        elif shard_id + 1 < self.shard_count:
            cursor = shard_id + 1
        else:
            cursor = 0
        return [str(cursor).encode(), keys]

    def _merge_randomkey(self, replies: list[Any], shard_ids: list[int]) -> Any:
        found = [reply for reply in replies if reply is not None]
        return random.choice(found) if found else None


_MERGES = {"scan": Router._merge_scan, "randomkey": Router._merge_randomkey}


def _response_policy(spec: CommandSpec) -> str | None:
    for tip in spec.tips:
        if tip.startswith("response_policy:"):
            return tip.split(":", 1)[1]
    return None
