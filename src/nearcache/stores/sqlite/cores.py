"""Whether the other processes of the machine leave this one a core for a second thread.

A read in parts (:mod:`.parts`) runs the reader thread's statement on one core while the
caller keys the next part on another. When the machine has no idle core, the two
threads take turns on one and the read in parts only costs more CPU than one read (at
load 7 on 2 CPUs, 1,000 chunks: 10.0 ms in parts, 9.1 ms in one read). The load average
cannot tell: this process's own threads count in it, and it lags by a minute. What the
others use is the CPU time the CPUs this process may run on were busy (``/proc/stat``)
less this process's own (``time.process_time``), between two looks a second apart.
The machine counts as busy only when two windows in a row found it so: a spike of
another process (a compiler's second, a test's start) flips no batch to serial. The
costs are lopsided: read serially on a nearly idle machine, a get of 1,000 took 3.67 ms
against 2.34-2.47 in parts (short texts), 5.23 against 3.15-3.64 (chunks); read in
parts at load 7, 10.0 ms against 9.1 serially.
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
STAT = "/proc/stat"
_TICK = 1.0 / (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)


def cpu_sample(cpus: frozenset[int] | None = None) -> tuple[float, float, float] | None:
    """``(monotonic seconds, CPU seconds the CPUs ``cpus`` (all: None) were busy, this
    process's CPU seconds)``; None where ``/proc/stat`` does not tell."""
    busy, found = 0, False
    try:
        with open(STAT, "rb") as f:
            for line in f:  # "cpu" (all of them), then "cpu0", "cpu1", ...
                name, *fields = line.split()
                if not name.startswith(b"cpu"):
                    break
                if (name == b"cpu") != (cpus is None) or (cpus and int(name[3:]) not in cpus):
                    continue
                # user nice system idle iowait irq softirq steal guest guest_nice: idle
                # and iowait are idle; guest time is counted in user and nice already
                ticks = [int(t) for t in fields[:8]]
                busy += sum(ticks) - ticks[3] - ticks[4]
                found = True
    except (OSError, ValueError, IndexError):
        return None
    return (clock(), busy * _TICK, time.process_time()) if found else None


def _cpus() -> frozenset[int] | None:
    """The CPUs this process may run on (None where the system does not say)."""
    try:
        return frozenset(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return None


class CoreWatch:
    """Whether other processes used so much CPU between two looks, and between the two
    looks before, that fewer than ``FREE_CORES`` of the CPUs this process may run on were
    left idle (looked at once every ``LOOK_EVERY`` seconds at most; False where the
    system does not tell). Only
    those CPUs are counted: a container pinned to 2 of a host's 64 CPUs sees the others'
    load in ``/proc/stat`` too."""

    def __init__(self) -> None:
        self.ids = _cpus()
        self.cpus = len(self.ids) if self.ids else os.cpu_count() or 1
        self._last: tuple[float, float, float] | None = None
        self._busy = False
        self._over = False  # the last window found the others over the bound

    def busy(self) -> bool:
        last = self._last
        if last is not None and clock() - last[0] < LOOK_EVERY:
            return self._busy
        now = cpu_sample(self.ids)
        if now is None:  # no /proc/stat: never look again
            self._last = (float("inf"), 0.0, 0.0)
            return False
        self._last = now
        if last is None or now[0] - last[0] > STALE:  # nothing recent to compare with
            over = False
        else:
            others = (now[1] - last[1]) - (now[2] - last[2])
            over = others > (self.cpus - FREE_CORES) * (now[0] - last[0])
        self._busy = over and self._over  # two windows in a row: not a spike
        self._over = over
        return self._busy
