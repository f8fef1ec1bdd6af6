"""Turn a hand-written draft of judge pairs into split files (ids, groups, halves).

The pairs are written by hand in a terse draft format (``data/judge/drafts/*.txt``); this
script only numbers them and, with ``--halves``, deals whole groups into two files, so
that one half can be inspected while the other stays blind. It writes no question.

    python benchmarks/judge_draft.py data/judge/drafts/probe.txt probe:pb blind:bl --halves

Draft format, one item a line::

    # domain                     -- the domain of the groups that follow
    S stored question            -- starts a group around this stored question
    h category | asked | note    -- a hit (note optional)
    t category | asked | note    -- a trap
    m | asked                    -- a miss (category unrelated)
    x t category | asked | note  -- as above, with stored and asked swapped
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
LABELS = {"h": "hit", "t": "trap", "m": "miss"}


def parse(text: str) -> list[list[dict[str, Any]]]:
    """The draft's groups, each a list of pairs (without id and group)."""
    groups: list[list[dict[str, Any]]] = []
    domain, stored = "", ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# "):
            domain = line[2:].split()[0]
        elif line.startswith("S "):
            stored = line[2:]
            groups.append([])
        else:
            swap = line.startswith("x ")
            line = line[2:] if swap else line
            label, parts = LABELS[line[0]], line[2:].split(" | ")
            if len(parts) > 3:
                # a spaced pipe inside a question (a shell pipeline) would be cut silently
                raise ValueError(
                    f"line {number}: more than two ' | ' separators; "
                    "write a pipe inside a question without spaces around it"
                )
            if label == "miss":
                category, asked, note = "unrelated", line[4:], ""
            else:
                category, asked = parts[0], parts[1]
                note = parts[2] if len(parts) > 2 else ""
            s, a = (asked, stored) if swap else (stored, asked)
            groups[-1].append(
                {
                    "stored": s,
                    "asked": a,
                    "label": label,
                    "category": category,
                    "domain": domain,
                    "note": note,
                }
            )
    return [g for g in groups if g]


def half(group: list[dict[str, Any]]) -> int:
    """0 or 1, a stable coin flip on the group's stored question."""
    return hashlib.sha256(group[0]["stored"].encode()).digest()[0] & 1


def write(groups: list[list[dict[str, Any]]], name: str, prefix: str) -> int:
    """Number the pairs and groups of one split and write ``data/judge/<name>.jsonl``."""
    lines, n = [], 0
    for g, group in enumerate(groups, 1):
        for pair in group:
            n += 1
            row = {"id": f"{prefix}-{n:06d}", "group": f"{prefix}-g{g:04d}", **pair}
            lines.append(json.dumps(row, ensure_ascii=False))
    (HERE / "data" / "judge" / f"{name}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("draft", type=Path)
    ap.add_argument("splits", nargs="+", help="name:prefix, one or two (with --halves)")
    ap.add_argument("--halves", action="store_true", help="deal groups into two splits")
    args = ap.parse_args()
    groups = parse((HERE / args.draft).read_text("utf-8"))
    targets = [s.split(":") for s in args.splits]
    if args.halves:
        for k, (name, prefix) in enumerate(targets[:2]):
            print(name, write([g for g in groups if half(g) == k], name, prefix))
    else:
        print(targets[0][0], write(groups, *targets[0]))


if __name__ == "__main__":
    main()
