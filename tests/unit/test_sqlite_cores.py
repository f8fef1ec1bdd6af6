"""``CoreWatch``: whether the other processes of the machine leave this one a core idle
for a second thread, from the machine's and this process's CPU time."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache.stores.sqlite import cores


@pytest.fixture
def samples(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, float, float]]:
    """The samples ``cpu_sample`` gives, in order; the clock reads the next one's time."""
    queue: list[tuple[float, float, float]] = []
    monkeypatch.setattr(cores, "cpu_sample", lambda cpus: queue.pop(0))
    monkeypatch.setattr(cores, "clock", lambda: queue[0][0] if queue else 1e9)
    return queue


def _watch(cpus: int) -> cores.CoreWatch:
    watch = cores.CoreWatch()
    watch.cpus = cpus
    return watch


def test_the_cpu_the_others_use_is_the_machines_less_this_process(
    samples: list[tuple[float, float, float]],
) -> None:
    # (when, busy CPU seconds of the machine, this process's CPU seconds)
    samples += [(100.0, 50.0, 5.0), (101.0, 51.8, 6.6), (102.0, 53.6, 6.8), (103.0, 55.3, 6.9)]
    samples += [(104.0, 55.4, 6.9)]
    watch = _watch(2)
    assert not watch.busy()  # a first look: nothing to compare with
    assert not watch.busy()  # 1.8 s busy, 1.6 of them this process's: the others 0.2
    assert not watch.busy()  # the others 1.6: less than 1.5 cores left, a first time
    assert watch.busy()  # the others 1.6 again: a second window in a row
    assert not watch.busy()  # the others 0.1


def test_a_spike_of_one_window_is_not_busy(samples: list[tuple[float, float, float]]) -> None:
    """Another process busy for about a second (one window, or half of two): the read
    in parts stays on; the load has to last two windows in a row."""
    samples += [(100.0, 0.0, 0.0), (101.0, 0.1, 0.0), (102.0, 2.0, 0.0), (103.0, 2.1, 0.0)]
    samples += [(104.0, 2.5, 0.0), (105.0, 2.9, 0.0), (106.0, 4.7, 0.0), (107.0, 6.5, 0.0)]
    watch = _watch(2)
    assert not watch.busy()
    assert not watch.busy()  # the others 0.1
    assert not watch.busy()  # 1.9: a spike
    assert not watch.busy()  # 0.1
    assert not watch.busy()  # 0.4: under the bound (0.5 of 2 cores)
    assert not watch.busy()  # 0.4
    assert not watch.busy()  # 1.8: over, once
    assert watch.busy()  # 1.8: twice


def test_more_cpus_leave_more_room(samples: list[tuple[float, float, float]]) -> None:
    samples += [(100.0, 0.0, 0.0), (101.0, 6.0, 0.0), (102.0, 12.6, 0.0), (103.0, 19.2, 0.0)]
    watch = _watch(8)
    assert not watch.busy()
    assert not watch.busy()  # the others use 6 of 8: 2 left
    assert not watch.busy()  # 6.6 of 8: 1.4 left, once
    assert watch.busy()  # twice


def test_looks_are_a_second_apart_and_a_stale_one_starts_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looks: list[float] = []
    now = [100.0]
    busy_cpu = iter([0.0, 2.0, 4.0, 100.0, 200.0, 300.0])

    def sample(cpus: object) -> tuple[float, float, float]:
        looks.append(now[0])
        return now[0], next(busy_cpu), 0.0

    monkeypatch.setattr(cores, "cpu_sample", sample)
    monkeypatch.setattr(cores, "clock", lambda: now[0])
    watch = _watch(2)
    assert not watch.busy()
    now[0] += 0.5
    assert not watch.busy() and looks == [100.0]  # too soon to look again
    now[0] += 0.5
    assert not watch.busy() and looks == [100.0, 101.0]  # 2 CPU seconds in 1 s, once
    now[0] += 1
    assert watch.busy() and looks == [100.0, 101.0, 102.0]  # twice
    now[0] += 0.5
    assert watch.busy() and len(looks) == 3  # the last answer, until the next look
    now[0] += cores.STALE + 1
    assert not watch.busy()  # the previous look is stale: starts over
    now[0] += 1
    assert not watch.busy()  # 100 CPU seconds in 1 s: the first window since
    now[0] += 1
    assert watch.busy()  # and the second


def test_without_proc_stat_the_machine_is_never_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    looks: list[int] = []

    def sample(cpus: object) -> None:
        looks.append(1)

    monkeypatch.setattr(cores, "cpu_sample", sample)
    watch = _watch(2)
    assert not watch.busy() and not watch.busy() and looks == [1]


def test_only_the_cpus_asked_for_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stat = tmp_path / "stat"
    stat.write_text(
        "cpu  300 0 100 1000 50 0 0 0 0 0\n"
        "cpu0 100 0 0 500 50 0 0 0 0 0\n"
        "cpu1 200 0 100 500 0 0 0 0 0 0\n"
        "intr 12345\n"
    )
    monkeypatch.setattr(cores, "STAT", str(stat))
    tick = cores._TICK
    samples = [cores.cpu_sample(c) for c in (None, frozenset({0}), frozenset({1}))]
    assert [s[1] if s else None for s in samples] == [400 * tick, 100 * tick, 300 * tick]
    assert cores.cpu_sample(frozenset({7})) is None  # no line of that CPU
    stat.write_text("garbage\n")
    assert cores.cpu_sample(None) is None
    monkeypatch.setattr(cores, "STAT", str(tmp_path / "missing"))
    assert cores.cpu_sample(None) is None


def test_a_real_sample_counts_busy_time_and_this_process() -> None:
    ids = cores._cpus()
    first = cores.cpu_sample(ids)
    assert first is not None  # Linux
    sum(i * i for i in range(200_000))  # some CPU of this process
    second = cores.cpu_sample(ids)
    assert second is not None
    assert second[0] >= first[0] and second[1] >= first[1] and second[2] > first[2]
