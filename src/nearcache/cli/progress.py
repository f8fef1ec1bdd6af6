"""The CLI's progress bars (rich, on stderr): ``embed``'s over chunks, and one bar per
stage for longer library calls (``calibrate``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .common import err_console

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Task
    from rich.text import Text

__all__ = ["embed_progress", "stage_progress"]


def _shown(enabled: bool, console: Console) -> bool:
    """Whether to draw: asked for, and stderr is a terminal (or NEARCACHE_FORCE_PROGRESS is
    set), so logs and pipes stay clean."""
    return enabled and bool(console.is_terminal or os.environ.get("NEARCACHE_FORCE_PROGRESS"))


@contextlib.contextmanager
def embed_progress(
    *, enabled: bool
) -> Iterator[tuple[Callable[[int], None], Callable[[int, int], None]]]:
    """A rich progress bar over distinct chunks, with chunks/s, on stderr.

    Disabled (no-op callbacks) when ``enabled`` is false or stderr is not a terminal, so
    logs and pipes stay clean.
    """
    console = err_console()
    if not _shown(enabled, console):
        yield (lambda total: None), (lambda done, total: None)
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            if not speed and task.elapsed:
                speed = task.completed / task.elapsed
            return Text(f"{speed:,.1f} chunks/s" if speed else "- chunks/s", style="cyan")

    progress = Progress(
        TextColumn("[bold]embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task_id: list[Any] = []

    def on_total(total: int) -> None:
        task_id.append(progress.add_task("embedding", total=total))

    def on_progress(done: int, total: int) -> None:
        if task_id:
            progress.update(task_id[0], completed=done, total=total)

    with progress:
        yield on_total, on_progress


@contextlib.contextmanager
def stage_progress(*, enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar per stage (``callback(stage, done, total)``) on stderr; a
    no-op when ``enabled`` is false or stderr is not a terminal (as ``embed_progress``)."""
    console = err_console()
    if not _shown(enabled, console):
        yield lambda stage, done, total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )
    tasks: dict[str, Any] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    with progress:
        yield on_progress
