"""The server process freezes what startup made, so full GC collections stop
walking it (actors/server.py freeze_startup_objects). Run in a child process:
freezing the test runner's own objects would outlive the test."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_startup_objects_leave_the_cyclic_gc_and_garbage_is_collected_first() -> None:
    script = textwrap.dedent(
        """
        import gc
        import weakref
        import actors.server  # the command table, the engine, trio: startup's objects

        class Cycle:
            pass

        gc.disable()  # only the function under test collects
        garbage = Cycle()
        garbage.self = garbage
        probe = weakref.ref(garbage)
        del garbage
        actors.server.freeze_startup_objects()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000, frozen
        assert probe() is None, "a garbage cycle was frozen instead of collected"
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
