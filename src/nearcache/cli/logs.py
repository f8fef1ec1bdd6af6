"""Log lines of a long-running command (``nearcache serve``): a store outage makes every
request log the same WARNING, hundreds a second; the operator needs the first one, then
how many followed.

:class:`RepeatFilter` passes the first record of each (logger, message template, level)
and holds back the repeats for ``window`` seconds (by the records' own timestamps); the
next one it passes after that says how many were held back.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["WINDOW", "RepeatFilter"]

#: Seconds during which repeats of one log line are counted instead of printed.
WINDOW = 60.0


class RepeatFilter(logging.Filter):
    """Pass a log line once per ``window`` seconds; count the repeats in between."""

    def __init__(self, window: float = WINDOW) -> None:
        super().__init__()
        self.window = window
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str, int], tuple[float, int]] = {}  # -> (passed at, held)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:  # INFO and below are rare and state changes
            return True
        key = (record.name, str(record.msg), record.levelno)
        with self._lock:
            passed, held = self._seen.get(key, (-self.window, 0))
            if 0 <= record.created - passed < self.window:
                self._seen[key] = (passed, held + 1)
                return False
            self._seen[key] = (record.created, 0)
        if held:
            record.msg = f"{record.msg} [{held} more like this since the last one shown]"
        return True
