"""When the checkpoint thread (:mod:`.checkpoint`) runs its next round while writes go
on: pure functions of what its last rounds saw (frames in the WAL, frames a write adds,
commits while a round ran, gaps between commits), so each rule is tested by itself."""

from __future__ import annotations

__all__ = [
    "IDLE_WAIT",
    "LARGE_COMMIT",
    "NEVER",
    "PAUSE_GAPS",
    "PAUSE_MAX",
    "SMALL_COMMIT",
    "STEP_FRAMES",
    "next_rhythm",
    "next_step",
    "pause_after",
]

#: Seconds without a commit after a ``PASSIVE`` that count as a pause of the writers at
#: least (longer than a batch of 1,000 takes to commit; ``pause_after`` for larger ones).
IDLE_WAIT = 0.05
#: WAL frames committed between two rounds while single puts go on: the writer wakes the
#: thread when about this many have been added since its last round (counted in writes,
#: from the frames a write added between the last two rounds).
STEP_FRAMES = 1024
#: Frames a write adds on average (since the last round) up to which the rounds follow
#: the writes; larger writes (batches) keep the timed rounds (every ``CHECKPOINT_EVERY``).
SMALL_COMMIT = 64
#: Frames a write adds from which a round follows each write (a batch of ~8 MB).
LARGE_COMMIT = 2 * STEP_FRAMES
#: Gaps between commits without a commit that count as a pause of the writers.
PAUSE_GAPS = 4.0
#: Seconds without a commit that count as a pause, whatever the gaps between commits.
PAUSE_MAX = 1.0
#: A count of writes never reached (no wake-up wanted).
NEVER = 1 << 62


def next_step(frames: int, added: int, writes: int, during: int, writer: int) -> tuple[int, bool]:
    """Writes to let commit before the next round while writes go on, and whether the
    round waits for the writer's own checkpoint (no timed round before it).

    Single puts: a round every ``STEP_FRAMES``; batches (over ``SMALL_COMMIT`` frames a
    write): timed rounds (``NEVER`` writes), and a round after each once the next timed
    one would run into the writer's checkpoint, so that checkpoint copies the last batch
    or two, not the 4-8k frames since the last timed round (in the writer's ``COMMIT``);
    large batches (``LARGE_COMMIT`` frames or more a write): a round after each, so that
    writes that stop leave at most the last one to copy (a fill of 10k chunks: 5.5k
    frames a batch, and a read right after it pays for each frame not yet copied).

    Args:
        frames: frames in the WAL when this round started.
        added: frames added since the last round, by ``writes`` writes (when the WAL
            restarted since, the writers' checkpoint in between: those of the round before).
        during: writes committed while this round ran.
        writer: frames at which a writer checkpoints itself. Only its checkpoint, in a
            ``COMMIT`` (no commit meanwhile), copies the last frames and so lets the next
            write restart the WAL; a round holding the checkpoint lock then makes it fail
            and the WAL grow on (to ``wal_limit``'s ``TRUNCATE``). So when the next round
            would still run there, the thread waits until that checkpoint is past. The
            next round runs from ``ahead`` frames on while more are committed: as many
            again (rounds keep pace with small writes), or for large batches what this
            round saw committed while it ran (none: it ends before the next commit).
    """
    per_write = max(1, added) / max(1, writes)
    small = per_write <= SMALL_COMMIT
    large = per_write >= LARGE_COMMIT
    step = max(1, int(STEP_FRAMES / per_write)) if small else 1 if large else NEVER
    ahead = STEP_FRAMES if small else per_write if large else added  # to the next round
    overlap = during * per_write if large else ahead  # committed while the next round runs
    if frames + during * per_write + ahead + overlap <= writer:
        return step, False
    if not small and frames + (2 * during + 2) * per_write <= writer:
        # batches near it: a round after each while it ends before it, with a batch to
        # spare (a round that runs longer than this one made their checkpoint fail)
        return 1, False
    past = max(0, int((writer - frames) / per_write))  # writes to the writer's checkpoint
    return past + (step if small else 1), True


def next_rhythm(
    rhythm: tuple[int, int], frames: int, last: int, writes: int, same_wal: bool
) -> tuple[int, int]:
    """``(frames, writes)``: what ``writes`` writes added to the WAL since the last round
    (``last`` frames then, ``frames`` now). When the WAL restarted since (not the
    ``same_wal``, or fewer frames), its frames are those of the last writes only: a write
    added at least its share of them, and as much as the ``rhythm`` before says."""
    if frames > last and same_wal:
        return frames - last, writes
    per_write = max(rhythm[0] / rhythm[1], frames / max(1, writes))
    return int(per_write * writes), writes


def pause_after(gap: float) -> float:
    """Seconds without a commit that count as a pause of the writers, ``gap`` seconds
    apart while they go on: ``PAUSE_GAPS`` gaps, at least ``IDLE_WAIT``, at most
    ``PAUSE_MAX``. A fill of 10k chunks commits every 0.1-0.6 s (Python work between
    the commits), and a commit in which the writer checkpoints takes 2-3 times as long:
    a fixed 50 ms found a pause inside every batch, and the ``RESTART`` then held the
    next commit up to 0.5 s."""
    return min(PAUSE_MAX, max(IDLE_WAIT, PAUSE_GAPS * gap))
