"""Numbers that name a thing the other text names in words: HTTP status codes, redirects
and the exit codes of processes killed by a signal.

"Flask returns 502 behind nginx" / "... only get Bad Gateway errors": 502 *is* Bad Gateway,
so the number on one side is not an extra quantity. The same holds for "exit code 137"
against "OOMKilled" or "killed": a process killed by signal N exits with 128 + N, and 9 is
SIGKILL. The numbers guard drops such a number from the quantities only one side has
(:func:`named_elsewhere`).

* HTTP statuses and their reason phrases come from the standard library
  (:class:`http.HTTPStatus`); a phrase must be two words or more ("Not Found", "Too Many
  Requests") or one long word ("Forbidden", "Unauthorized"), as short ones ("OK",
  "Gone", "Found") are common words;
* redirects said in general ("follow 301s", "follows 301/302") against "redirects" on the
  other side, when that side names no redirect status of its own ("a 301 redirect" and
  "a redirect" still differ: the permanent one only);
* an exit code needs a cue before it ("exit code 139", "exited with 143", "status 137")
  and the signal said on the other side ("killed", "SIGKILL", "segfault",
  "terminated"); the POSIX signal numbers that are the same on every system are read
  (HUP 1, INT 2, QUIT 3, ABRT 6, KILL 9, SEGV 11, PIPE 13, ALRM 14, TERM 15).

Limits: the number is matched, not checked against the rest of the question ("404 on my
API" / "Not Found page design" pass this step; the other guards and the verifier still
weigh the pair); other protocols' codes (SMTP, FTP) are not read.
"""

from __future__ import annotations

import re
from functools import cache

from .measures import Quantity
from .tokens import Text

__all__ = ["named_elsewhere", "statuses"]


@cache
def _phrases() -> dict[str, tuple[str, ...]]:
    """Reason phrases by status code (built on first use: importing :mod:`http` costs)."""
    from http import HTTPStatus

    out: dict[str, tuple[str, ...]] = {}
    for status in HTTPStatus:
        words = tuple(status.phrase.lower().replace("-", " ").split())
        if len(words) >= 2 or len(words[0]) >= 9:
            out[str(status.value)] = words
    return out


@cache
def _status_values() -> frozenset[str]:
    from http import HTTPStatus

    return frozenset(str(s.value) for s in HTTPStatus)


def statuses(*values: str) -> bool:
    """Whether every value is an HTTP status and all are of one class ("301", "302")."""
    return all(v in _status_values() for v in values) and len({v[0] for v in values}) == 1


#: The redirect statuses, said "redirect(s)" / "redirected" / "redirection" in words.
_REDIRECTS = frozenset({"301", "302", "303", "307", "308"})
_A_REDIRECT = re.compile(r"\b30[0-8]\b")

#: Word stems that say each signal, by its POSIX number.
_SIGNALS = {
    1: ("hangup", "sighup"),
    2: ("interrupt", "sigint"),
    3: ("sigquit", "core dump"),
    6: ("abort", "sigabrt"),
    9: ("kill", "sigkill"),
    11: ("segment", "segv", "segfault"),
    13: ("broken pipe", "sigpipe"),
    14: ("alarm", "sigalrm"),
    15: ("terminat", "sigterm"),
}
_EXIT_CUES = frozenset({"exit", "exited", "exits", "code", "status", "returned", "returns"})


def _said(words: tuple[str, ...], text: str) -> bool:
    """Whether the words stand in this order, side by side, in the (spaced) text."""
    return f" {' '.join(words)} " in text


def _exit_signal(value: str, t: Text) -> tuple[str, ...]:
    """The stems of the signal an exit code written in ``t`` stands for (none when no
    exit cue comes just before it)."""
    if not value.isdigit() or not 129 <= int(value) <= 143:
        return ()
    stems = _SIGNALS.get(int(value) - 128, ())
    if not stems:
        return ()
    for i, tok in enumerate(t.tokens):
        if tok.low == value and any(p.low in _EXIT_CUES for p in t.tokens[max(0, i - 3) : i]):
            return stems
    return ()


def named_elsewhere(extra: list[Quantity], t: Text, other: Text) -> list[Quantity]:
    """``extra`` (quantities of ``t`` the other text lacks) without the HTTP statuses and
    exit codes ``other`` names in words."""
    if not any(len(q[0]) == 3 and q[0][0] in "12345" and q[1] in ("", "s") for q in extra):
        return extra  # no three-digit number without a unit: neither a status nor an exit code
    spaced = " " + " ".join(tok.low for tok in other.tokens if tok.kind != "sym") + " "
    # redirects in general: "301s", or "301/302" against "redirects" with no status of
    # its own ("a 301 redirect" / "a redirect" or "a 302 redirect" still differ)
    general = {q[0] for q in extra if q[0] in _REDIRECTS}
    general = general if len(general) >= 2 else {q[0] for q in extra if q[1] == "s"} & general
    redirect_said = " redirect" in spaced and not _A_REDIRECT.search(spaced)
    kept = []
    for q in extra:
        if q[0] in general and redirect_said:
            continue  # "follow 301s" / "follow redirects"
        phrase = _phrases().get(q[0]) if not q[1] else None
        if phrase is not None and _said(phrase, spaced):
            continue
        stems = _exit_signal(q[0], t) if not q[1] else ()
        if any(stem in spaced for stem in stems):
            continue
        kept.append(q)
    return kept
