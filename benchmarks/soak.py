"""Long-running reliability runs (RELIABILITY.md tests 1, 4 and 24).

    python benchmarks/soak.py --quick     # minutes: 20 kill trials, 60 s contention, small soak
    python benchmarks/soak.py             # default: 100 kill trials, 10 min contention, 5 min soak
    python benchmarks/soak.py --full      # 100 kill trials, 10 min contention, 30 min soak at 1M

* kill trials: the SIGKILL-mid-batch test of tests/fault, run N times (pytest, env knob).
* contention: 8 processes x 2 threads of put/get/delete/touch on one SQLite file.
* soak: a SQLite embedding cache holding N entries takes a 90/9/1 get/put/delete mix from
  8 processes (puts rewrite keys of the same range, so the file stays near N entries);
  every 10 s each process reports p50/p99, RSS and open descriptors, and the parent
  samples the WAL size. Flat RSS/fds (within 5% after warm-up, the first sixth of the
  run), a bounded WAL and p99 within 2x of the first interval are the pass conditions;
  the run ends with check().
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NS = "soak.test.dense"
DIM = 384


def _text(i: int) -> str:
    return f"soak document {i} " + "lorem ipsum " * 8


def _rss_mb() -> float:
    """Anonymous resident memory (resident minus file-backed pages such as SQLite's mmap)."""
    with open("/proc/self/statm") as fh:
        fields = fh.read().split()
    return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def soak_worker(path: str, n: int, seconds: float, seed: int, conn: Connection) -> None:
    from nearcache import EmbeddingCache

    cache = EmbeddingCache(path=path)
    rng = random.Random(seed)
    vec_rng = np.random.default_rng(seed)
    deadline = time.monotonic() + seconds
    interval_end = time.monotonic() + 10
    lat: list[float] = []
    while time.monotonic() < deadline:
        r = rng.random()
        t0 = time.perf_counter()
        if r < 0.90:
            cache.get(_text(rng.randrange(n)), NS)
        elif r < 0.99:
            # Puts rewrite keys of the same range (as diskcache's benchmark mix does), so
            # the file stays near n entries instead of growing for the whole run.
            vec = vec_rng.standard_normal(DIM).astype(np.float32)
            cache.put(_text(rng.randrange(n)), vec, NS)
        else:
            cache.invalidate(_text(rng.randrange(n)), NS)
        lat.append(time.perf_counter() - t0)
        if time.monotonic() >= interval_end:
            lat.sort()
            conn.send(
                (
                    "interval",
                    lat[len(lat) // 2],
                    lat[int(len(lat) * 0.99)],
                    len(lat),
                    _rss_mb(),
                    _fds(),
                )
            )
            lat = []
            interval_end += 10
    conn.send(("done",))
    cache.close()


def run_soak(n: int, seconds: float, procs: int, series: Path | None = None) -> dict[str, object]:
    from nearcache import EmbeddingCache

    tmp = Path(tempfile.mkdtemp(prefix="nearcache-soak-"))
    path = str(tmp / "soak.db")
    cache = EmbeddingCache(path=path)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for i in range(0, n, 10_000):
        m = min(10_000, n - i)
        cache.put_many(
            [_text(j) for j in range(i, i + m)],
            rng.standard_normal((m, DIM)).astype(np.float32),
            NS,
        )
    fill = time.perf_counter() - t0
    cache.close()
    ctx = mp.get_context("spawn")
    pipes, workers = [], []
    for w in range(procs):
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=soak_worker, args=(path, n, seconds, w + 1, child))
        p.start()
        pipes.append(parent)
        workers.append(p)
    intervals: dict[int, list[tuple[float, ...]]] = {w: [] for w in range(procs)}
    wal_max = 0
    live = set(range(procs))
    while live:
        wal = Path(path + "-wal")
        if wal.exists():
            wal_max = max(wal_max, wal.stat().st_size)
        for w in list(live):
            while pipes[w].poll():
                msg = pipes[w].recv()
                if msg[0] == "done":
                    live.discard(w)
                    break
                intervals[w].append(msg[1:])
        time.sleep(0.5)
    for p in workers:
        p.join()
    runs = [iv for iv in intervals.values() if iv]  # per worker: (p50, p99, ops, rss, fds)
    first_p99 = statistics.median(iv[0][1] for iv in runs)
    last_p99 = statistics.median(iv[-1][1] for iv in runs)
    # Warm-up is the first sixth of the run (at least 30 s): SQLite's page cache (64 MB
    # per connection) refills slowly while other processes' commits keep invalidating it,
    # so resident memory climbs towards that bound for the first minutes of a long run.
    length = min(len(iv) for iv in runs)
    warm_at = min(length - 1, max(2, length // 6))
    early_at = min(length - 1, 2)

    def rss_drift_since(at: int) -> float:
        return max(abs(iv[-1][3] - iv[at][3]) / iv[at][3] for iv in runs)

    fd_drift = max(abs(iv[-1][4] - iv[warm_at][4]) for iv in runs)
    # Median worker RSS at 10 points of the run, to tell a plateau from a leak.
    marks = sorted({round(k * (length - 1) / 9) for k in range(10)})
    rss_series = [
        ((m + 1) * 10, round(statistics.median(iv[m][3] for iv in runs), 1)) for m in marks
    ]
    ops = sum(i[2] for iv in runs for i in iv)
    res: dict[str, object] = {
        "entries": n,
        "seconds": seconds,
        "processes": procs,
        "prefill_s": round(fill, 1),
        "ops": ops,
        "ops_per_s": round(ops / seconds),
        "p50_ms_first": round(statistics.median(iv[0][0] for iv in runs) * 1e3, 3),
        "p99_ms_first": round(first_p99 * 1e3, 3),
        "p99_ms_last": round(last_p99 * 1e3, 3),
        "p99_drift": round(last_p99 / first_p99, 2),
        "warmup_s": (warm_at + 1) * 10,
        "rss_drift_pct": round(rss_drift_since(warm_at) * 100, 1),
        "rss_drift_from_30s_pct": round(rss_drift_since(early_at) * 100, 1),
        "rss_mb_at_s": rss_series,
        "rss_mb_workers_warm_end_peak": [
            (round(iv[warm_at][3], 1), round(iv[-1][3], 1), round(max(i[3] for i in iv), 1))
            for iv in runs
        ],
        "fd_drift": fd_drift,
        "wal_max_mb": round(wal_max / 2**20, 1),
        "db_gb": round(Path(path).stat().st_size / 2**30, 2),
    }
    if series is not None:  # every worker's 10-s intervals: p50, p99, ops, RSS MB, fds
        series.write_text(json.dumps({"result": res, "intervals": intervals}))
    # The figures first: check() (PRAGMA integrity_check) of a multi-GB file takes long.
    print(f"soak figures: {res}", flush=True)
    t0 = time.perf_counter()
    cache = EmbeddingCache(path=path)
    res["check_problems"] = len(cache.check())
    res["check_s"] = round(time.perf_counter() - t0, 1)
    cache.close()
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    return res


def run_pytest(test: str, env: dict[str, str]) -> tuple[bool, float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        # no per-test timeout: the long versions run past the suite's 300 s default
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "timeout=0", test],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    tail = (proc.stdout.strip().splitlines() or [""])[-1]
    return proc.returncode == 0, time.perf_counter() - t0, tail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true")
    mode.add_argument("--full", action="store_true")
    ap.add_argument("--seconds", type=float, help="soak length (overrides the mode's)")
    ap.add_argument("--series", type=Path, help="write every soak interval here (JSON)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["kill", "contention", "soak"])
    args = ap.parse_args()
    trials = 20 if args.quick else 100
    contention_s = 60 if args.quick else 600
    soak_n, soak_s = (
        (50_000, 60) if args.quick else ((1_000_000, 1800) if args.full else (200_000, 300))
    )

    if "kill" not in args.skip:
        ok, took, tail = run_pytest(
            "tests/fault/test_embedding_concurrency.py::test_sigkill_mid_batch_loses_no_acknowledged_batch",
            {"NEARCACHE_KILL_TRIALS": str(trials)},
        )
        print(
            f"kill -9 mid-batch: {trials} trials, {'PASS' if ok else 'FAIL'} in {took:.0f} s ({tail})"
        )
    if "contention" not in args.skip:
        ok, took, tail = run_pytest(
            "tests/fault/test_sqlite_stress.py::test_eight_processes_two_threads_on_one_file",
            {"NEARCACHE_STRESS_SECONDS": str(contention_s)},
        )
        print(f"8 processes x 2 threads, {contention_s} s: {'PASS' if ok else 'FAIL'} ({tail})")
    if "soak" not in args.skip:
        res = run_soak(soak_n, args.seconds or soak_s, 8, args.series)
        verdict = (
            res["rss_drift_pct"] <= 5  # type: ignore[operator]
            and res["fd_drift"] == 0
            and res["p99_drift"] <= 2  # type: ignore[operator]
            and res["check_problems"] == 0
        )
        print(f"soak: {'PASS' if verdict else 'FAIL'} {res}")


if __name__ == "__main__":
    main()
