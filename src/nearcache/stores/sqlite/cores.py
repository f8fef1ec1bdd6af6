"""Whether the other processes of the machine leave this one a core for a second thread.

A read in parts (:mod:`.parts`) runs the reader thread's statement on one core while the
caller keys the next part on another. When the machine has no idle core, the two
threads take turns on one and the read in parts only costs more CPU than one read (at
load 7 on 2 CPUs, 1,000 chunks: 10.0 ms in parts, 9.1 ms in one read). The load average
cannot tell: this process's own threads count in it, and it lags by a minute. What the
others use is the CPU time every CPU was busy (``/proc/stat``) less this process's own
(``time.process_time``), between two looks a second apart.
"""

from __future__ import annotations

import os
import time

__all__ = ["CoreWatch", "cpu_sample"]

#: Seconds between two looks at the machine's CPU time.
LOOK_EVERY = 1.0
#: A previous look older than this is not compared with (the next look starts over).
STALE = 10.0
#: Cores the other processes must leave idle for a second thread of this one (two
#: threads that each want a core, less the half core that still gains).
FREE_CORES = 1.5
clock = time.monotonic
_TICK = 1.0 / (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)


def cpu_sample() -> tuple[float, float, float] | None:
    """``(monotonic seconds, CPU seconds all CPUs were busy, this process's CPU
    seconds)``; None where the system has no ``/proc/stat``."""
    try:
        with open("/proc/stat", "rb") as f:
            ticks = [int(t) for t in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal guest guest_nice: idle and iowait
    # are idle; guest time is counted in user and nice already
    busy = sum(ticks[:8]) - sum(ticks[3:5])
    return clock(), busy * _TICK, time.process_time()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


class CoreWatch:
    """Whether other processes used so much CPU between two looks that fewer than
    ``FREE_CORES`` of this process's CPUs were left idle (looked at once every
    ``LOOK_EVERY`` seconds at most; False where the system does not tell)."""

    def __init__(self) -> None:
        self.cpus = _cpus()
        self._last: tuple[float, float, float] | None = None
        self._busy = False

    def busy(self) -> bool:
        last = self._last
        if last is not None and clock() - last[0] < LOOK_EVERY:
            return self._busy
        now = cpu_sample()
        if now is None:  # no /proc/stat: never look again
            self._last = (float("inf"), 0.0, 0.0)
            return False
        self._last = now
        if last is None or now[0] - last[0] > STALE:  # nothing recent to compare with
            self._busy = False
        else:
            others = (now[1] - last[1]) - (now[2] - last[2])
            self._busy = others > (self.cpus - FREE_CORES) * (now[0] - last[0])
        return self._busy
