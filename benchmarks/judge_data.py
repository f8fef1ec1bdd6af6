"""Validate and count the judge's labeled question pairs (benchmarks/data/judge/*.jsonl).

The judge is trained on ``train`` (and ``train2``, a second training file by a third
author), tuned on ``dev`` and measured on ``test``; the numbers mean something only if the
files follow one schema and the splits never share a base question. This script checks that and prints the counts (split x label x category, and
per domain), as a rich table when rich is installed, else as plain text.

    python benchmarks/judge_data.py                      # every *.jsonl in the data folder
    python benchmarks/judge_data.py train.jsonl dev.jsonl
    python benchmarks/judge_data.py --json               # counts and problems as JSON
    python benchmarks/judge_data.py --near blind3        # blind3 questions close to others

Exit status 0 when every file is valid, 1 when a problem was found (each one printed).
The split of a file is its name without ``.jsonl``; a known split's ids must carry its prefix
(``SPLITS``), and every split is checked against every other one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data" / "judge"

KEYS = ("id", "group", "stored", "asked", "label", "category", "domain")
OPTIONAL_KEYS = ("note",)
CATEGORIES: dict[str, frozenset[str]] = {
    "hit": frozenset({"paraphrase", "noise", "typo", "reorder", "code", "context"}),
    "trap": frozenset(
        {"negation", "number", "date", "entity", "direction", "antonym", "scope", "role"}
    ),
    "miss": frozenset({"unrelated"}),
}
ID_RE = re.compile(r"^[a-z][a-z0-9]-\d{6}$")
GROUP_RE = re.compile(r"^[a-z][a-z0-9]-g\d{4}$")
DOMAIN_RE = re.compile(r"^[a-z][a-z-]{1,30}$")
MAX_CHARS = 2000
# The known splits and their id prefixes, in the order the counts are shown. train2 is a
# second training file written by a third author (other phrasing habits), kept apart so the
# judge can be measured with and without it.
# probe and blind are a fourth author's check set in new domains, dealt in two halves by
# group: probe may be read pair by pair while fixing the judge, blind only as aggregates.
# probe2 (training) and blind2 (never trained on) are a fifth author's, written apart;
# probe3 (training) and blind3 (never trained on) a sixth author's, likewise; probe4 and
# blind4 a seventh author's; probe5 and blind5 an eighth author's; probe6 and blind6 a
# ninth author's; probe7 and blind7 a tenth author's (role and entity heavy); probe8 and
# blind8 an eleventh author's (role, direction and antonym heavy); probe9 and blind9 a
# twelfth author's (role, entity and direction heavy); probe10 and blind10 a thirteenth
# author's (entity, scope, negation and number heavy); probe11 and blind11 a fourteenth
# author's (role and direction heavy, role swaps in many grammatical shapes); probe12 and
# blind12 a fifteenth author's (every trap kind evenly, hard paraphrase and code hits);
# probe13 and blind13 a sixteenth author's (role heavy, role swaps in many grammatical shapes);
# probe14 and blind14 a seventeenth author's (every trap kind, long and chatty questions);
# probe15 and blind15 an eighteenth author's (hard one-change traps, heavy paraphrase and code);
# probe16 and blind16 a nineteenth author's (the same mix, in domains earlier authors used little);
# probe17 and blind17 a twentieth author's (the same mix, more registers, other little-used domains);
# probe18 and blind18 a twenty-first author's (the same mix, role swaps in many surface forms);
# probe19 and blind19 a twenty-second author's (the same mix, more registers and domains).
# probe20 and blind20 a twenty-third author's (the same mix, more little-used domains).
# probe21 and blind21 a twenty-fourth author's (the same mix, most traps reworded as well).
# probe22 and blind22 a twenty-fifth author's (half the traps one-edit, half reworded as well).
# probe23 and blind23 a twenty-sixth author's (questions as applications send them, 40% reworded).
# probe24 and blind24 a twenty-seventh author's (people at work who are not engineers, 40% reworded).
# probe25 and blind25 a twenty-eighth author's (hands-on jobs and home lives, 40% reworded).
# probe26 and blind26 a twenty-ninth author's (life admin, study, travel, patients, 45% reworded).
# probe27 and blind27 a thirtieth author's (trades, farms, depots, kitchens, shops, hobbies, 50% reworded).
# probe28 and blind28 a thirty-first author's (home and free time: babies, pets, pills, games, parties).
SPLITS = {
    "train": "tr",
    "train2": "t2",
    "dev": "dv",
    "test": "te",
    "probe": "pb",
    "blind": "bl",
    "probe2": "p2",
    "blind2": "b2",
    "probe3": "p3",
    "blind3": "b3",
    "probe4": "p4",
    "blind4": "b4",
    "probe5": "p5",
    "blind5": "b5",
    "probe6": "p6",
    "blind6": "b6",
    "probe7": "p7",
    "blind7": "b7",
    "probe8": "p8",
    "blind8": "b8",
    "probe9": "p9",
    "blind9": "b9",
    "probe10": "pa",
    "blind10": "ba",
    "probe11": "pc",
    "blind11": "bc",
    "probe12": "pd",
    "blind12": "bd",
    "probe13": "pe",
    "blind13": "be",
    "probe14": "pf",
    "blind14": "bf",
    "probe15": "pg",
    "blind15": "bg",
    "probe16": "ph",
    "blind16": "bh",
    "probe17": "pi",
    "blind17": "bi",
    "probe18": "pj",
    "blind18": "bj",
    "probe19": "pk",
    "blind19": "bk",
    "probe20": "pl",
    "blind20": "bm",
    "probe21": "pm",
    "blind21": "bn",
    "probe22": "pn",
    "blind22": "bo",
    "probe23": "pp",
    "blind23": "bp",
    "probe24": "pq",
    "blind24": "bq",
    "probe25": "pr",
    "blind25": "br",
    "probe26": "ps",
    "blind26": "bs",
    "probe27": "pt",
    "blind27": "bt",
    "probe28": "pu",
    "blind28": "bu",
}
WORD_RE = re.compile(r"\w+")


@dataclass
class Report:
    """What the files hold and what is wrong with them."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_row(row: Any, where: str) -> list[str]:
    """Schema problems of one decoded line (empty when it is valid)."""
    if not isinstance(row, dict):
        return [f"{where}: not a JSON object"]
    keys = tuple(row)
    expected = KEYS + tuple(k for k in OPTIONAL_KEYS if k in row)
    if keys != expected:
        return [f"{where}: keys {list(keys)}, expected {list(expected)} in this order"]
    out: list[str] = []
    for key in keys:
        if not isinstance(row[key], str):
            out.append(f"{where}: {key!r} is not a string")
    if out:
        return out
    for key in ("stored", "asked"):
        text = row[key]
        if not text.strip():
            out.append(f"{where}: {key!r} is empty")
        elif len(text) > MAX_CHARS or text != text.strip() or "\n" in text:
            out.append(f"{where}: {key!r} too long, multi-line or padded with spaces")
    if row["stored"] == row["asked"]:
        out.append(f"{where}: stored and asked are the same text")
    if not ID_RE.match(row["id"]):
        out.append(f"{where}: id {row['id']!r} is not like 'tr-000123'")
    if not GROUP_RE.match(row["group"]):
        out.append(f"{where}: group {row['group']!r} is not like 'tr-g0456'")
    elif row["group"][:2] != row["id"][:2]:
        out.append(f"{where}: id and group prefixes differ")
    cats = CATEGORIES.get(row["label"])
    if cats is None:
        out.append(f"{where}: label {row['label']!r} not in {sorted(CATEGORIES)}")
    elif row["category"] not in cats:
        out.append(f"{where}: category {row['category']!r} not allowed for {row['label']!r}")
    if not DOMAIN_RE.match(row["domain"]):
        out.append(f"{where}: domain {row['domain']!r} is not a short lowercase word")
    return out


def load(path: Path, report: Report) -> None:
    """Read one split file into the report, recording line-level problems."""
    split = path.name.removesuffix(".jsonl")
    rows: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    seen_pairs: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            where = f"{path.name}:{n}"
            if not line.strip():
                report.problems.append(f"{where}: blank line")
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                report.problems.append(f"{where}: invalid JSON ({exc.msg})")
                continue
            found = check_row(row, where)
            report.problems.extend(found)
            if found:
                continue
            if row["id"] in seen_ids:
                report.problems.append(f"{where}: duplicate id {row['id']}")
            pair = (row["stored"], row["asked"])
            if pair in seen_pairs:
                report.problems.append(f"{where}: duplicate (stored, asked) pair")
            seen_ids.add(row["id"])
            seen_pairs.add(pair)
            rows.append(row)
    prefixes = {r["id"][:2] for r in rows}
    if len(prefixes) > 1:
        report.problems.append(f"{path.name}: several id prefixes {sorted(prefixes)}")
    elif split in SPLITS and prefixes and prefixes != {SPLITS[split]}:
        report.problems.append(f"{path.name}: ids must start with {SPLITS[split]!r}-")
    report.rows[split] = rows


def normalized(text: str) -> str:
    """A question's words, lowercased: the same question up to case and punctuation."""
    return " ".join(WORD_RE.findall(text.lower()))


def check_splits(report: Report) -> None:
    """Groups, ids and question texts must each live in one split only.

    Every split is checked against every other (train2 against train, dev and test too);
    questions count as shared when they differ only in case, punctuation or spacing.
    """
    owners: dict[str, dict[str, set[str]]] = {"group": {}, "id": {}, "question": {}}
    first_text: dict[str, str] = {}  # normalized question -> its first wording, for messages
    for split, rows in report.rows.items():
        for row in rows:
            owners["group"].setdefault(row["group"], set()).add(split)
            owners["id"].setdefault(row["id"], set()).add(split)
            for text in (row["stored"], row["asked"]):
                key = normalized(text)
                first_text.setdefault(key, text)
                owners["question"].setdefault(key, set()).add(split)
    for kind, table in owners.items():
        for value, splits in table.items():
            if len(splits) > 1:
                value = first_text[value] if kind == "question" else value
                shown = value if len(value) <= 80 else value[:77] + "..."
                report.problems.append(f"{kind} {shown!r} is in splits {sorted(splits)}")


def validate(paths: Iterable[Path]) -> Report:
    """Load and check every file; the report lists all problems found."""
    report = Report()
    for path in paths:
        if path.name.removesuffix(".jsonl") in report.rows:
            report.problems.append(f"{path}: split given twice")
            continue
        load(path, report)
    check_splits(report)
    return report


def words(text: str) -> frozenset[str]:
    """The set of a question's lowercased words, for the overlap check."""
    return frozenset(WORD_RE.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Word overlap of two questions: shared words over all words (0 when both are empty)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def near(
    report: Report, split: str, against: Iterable[str] | None = None, threshold: float = 0.6
) -> list[tuple[str, str, float, str]]:
    """``split``'s questions whose word overlap with a question of another split is high.

    Independent authors converge on classic questions; a base question close to one in
    another split is replaced, not reworded. Each hit is (id, question, overlap, the other
    split): only ``split``'s side is returned, so the other split's text is never shown.
    """
    others = [s for s in (against or report.rows) if s != split and s in report.rows]
    pool = [
        (s, words(t)) for s in others for r in report.rows[s] for t in (r["stored"], r["asked"])
    ]
    found: list[tuple[str, str, float, str]] = []
    seen: set[str] = set()
    for row in report.rows.get(split, []):
        for text in (row["stored"], row["asked"]):
            if text in seen:
                continue
            seen.add(text)
            mine = words(text)
            best = max(((jaccard(mine, w), s) for s, w in pool), default=(0.0, ""))
            if best[0] >= threshold:
                found.append((row["id"], text, round(best[0], 3), best[1]))
    return found


def counts(report: Report) -> dict[str, Any]:
    """Counts per split x label x category and per split x domain."""
    by_cat: dict[str, Counter[str]] = {}
    by_domain: dict[str, Counter[str]] = defaultdict(Counter)
    for split, rows in report.rows.items():
        by_cat[split] = Counter(f"{r['label']}/{r['category']}" for r in rows)
        for r in rows:
            by_domain[r["domain"]][split] += 1
    return {
        "splits": {s: len(r) for s, r in report.rows.items()},
        "labels": {s: dict(Counter(r["label"] for r in rows)) for s, rows in report.rows.items()},
        "categories": {s: dict(c) for s, c in by_cat.items()},
        "domains": {d: dict(c) for d, c in sorted(by_domain.items())},
    }


def _category_rows(report: Report) -> list[list[str]]:
    splits = list(report.rows)
    table: list[list[str]] = []
    for label, cats in CATEGORIES.items():
        for cat in sorted(cats):
            n = [
                sum(1 for r in report.rows[s] if (r["label"], r["category"]) == (label, cat))
                for s in splits
            ]
            table.append([label, cat, *map(str, n), str(sum(n))])
        n = [sum(1 for r in report.rows[s] if r["label"] == label) for s in splits]
        table.append([label, "(all)", *map(str, n), str(sum(n))])
    n = [len(report.rows[s]) for s in splits]
    table.append(["all", "", *map(str, n), str(sum(n))])
    return table


def _domain_rows(report: Report) -> list[list[str]]:
    splits = list(report.rows)
    doms = sorted({r["domain"] for rows in report.rows.values() for r in rows})
    out = []
    for d in doms:
        n = [sum(1 for r in report.rows[s] if r["domain"] == d) for s in splits]
        out.append([d, *map(str, n), str(sum(n))])
    return out


def render(report: Report) -> None:
    """Print the two count tables (rich if available) and the problems."""
    splits = list(report.rows)
    tables = [
        ("pairs per label and category", ["label", "category"], _category_rows(report)),
        ("pairs per domain", ["domain"], _domain_rows(report)),
    ]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        for title, heads, body in tables:
            print(f"\n{title}")
            for line in [[*heads, *splits, "total"], *body]:
                print("  ".join(f"{c:>12}" for c in line))
    else:
        console = Console()
        for title, heads, body in tables:
            t = Table(title=title)
            for h in [*heads, *splits, "total"]:
                t.add_column(h, justify="left" if h in heads else "right")
            for line in body:
                t.add_row(*line)
            console.print(t)
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"{len(report.problems)} problem(s)", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="default: every *.jsonl in the folder")
    ap.add_argument("--json", action="store_true", help="print counts and problems as JSON")
    ap.add_argument("--near", metavar="SPLIT", help="print SPLIT's questions close to others'")
    ap.add_argument("--against", nargs="+", metavar="SPLIT", help="with --near: only these")
    ap.add_argument("--min", type=float, default=0.6, help="with --near: overlap (word Jaccard)")
    args = ap.parse_args(argv)
    paths = [p if p.exists() else DATA_DIR / p for p in args.files]
    if not paths:
        order = {split: n for n, split in enumerate(SPLITS)}
        found = DATA_DIR.glob("*.jsonl")
        paths = sorted(found, key=lambda p: (order.get(p.stem, len(order)), p.name))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing or not paths:
        print(f"no such file(s): {missing or DATA_DIR}", file=sys.stderr)
        return 2
    report = validate(paths)
    if args.near:
        close = near(report, args.near, args.against, args.min)
        for row_id, text, overlap, other in close:
            print(f"{row_id}  {overlap:.2f}  vs {other}:  {text}")
        print(f"{len(close)} {args.near} question(s) with overlap >= {args.min}", file=sys.stderr)
        return 0 if report.ok else 1
    if args.json:
        print(json.dumps({**counts(report), "problems": report.problems}, indent=1))
    else:
        render(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
