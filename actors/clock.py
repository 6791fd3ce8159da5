"""Clocks the shards read ``now_ms`` from (DESIGN §8).

Production reads the wall clock (expiry times are absolute unix ms). Tests
use :class:`TrioClock`, which follows Trio's clock, so ``autojump_clock``
drives both Trio timers and key expiry.
"""

from __future__ import annotations

import time

import attrs
import trio


class WallClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


@attrs.define
class TrioClock:
    epoch_ms: int = 1_700_000_000_000

    def now_ms(self) -> int:
        return self.epoch_ms + int(trio.current_time() * 1000)
