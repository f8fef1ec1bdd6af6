"""The committed authors' probe and blind files: each its own split and prefix, the kinds
each author was asked for, and no blind set ever in the verifier's training pool."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from judge_data_support import DATA, assigned, load_validator

jd = load_validator()


def test_committed_probe2_and_blind2_are_own_splits_and_blind2_is_never_trained_on() -> None:
    # probe2 (training) and blind2 (the unseen-data check) are a fifth author's sets: each
    # its own prefix, every trap kind present, and blind2 (like blind) outside the pool
    # the verifier is fit on.
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    assert report.problems == []
    for split, prefix in (("probe2", "p2"), ("blind2", "b2")):
        rows = report.rows[split]
        assert {r["id"][:3] for r in rows} == {f"{prefix}-"}, split
        traps = [r for r in rows if r["label"] == "trap"]
        assert {r["category"] for r in traps} == jd.CATEGORIES["trap"], split
        assert len(traps) >= 0.4 * len(rows), split
    pool = assigned("POOL_SPLITS")
    assert "probe2" in pool and "blind" not in pool and "blind2" not in pool and "test" not in pool


@pytest.mark.parametrize(
    ("probe", "blind"),
    [
        (("probe3", "p3", 320), ("blind3", "b3", 260)),
        (("probe4", "p4", 400), ("blind4", "b4", 280)),
        (("probe5", "p5", 460), ("blind5", "b5", 330)),
    ],
)
def test_committed_later_authors_splits_are_own_and_blind_is_never_trained_on(
    probe: tuple[str, str, int], blind: tuple[str, str, int]
) -> None:
    # probe3/blind3 (a sixth author) and probe4/blind4 (a seventh): each split its own
    # prefix, every trap and hit kind, >= 45% traps; the probe in the pool, the blind not.
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    assert report.problems == []
    for split, prefix, size in (probe, blind):
        rows = report.rows[split]
        assert {r["id"][:3] for r in rows} == {f"{prefix}-"}, split
        traps = [r for r in rows if r["label"] == "trap"]
        assert {r["category"] for r in traps} == jd.CATEGORIES["trap"], split
        hits = {r["category"] for r in rows if r["label"] == "hit"}
        assert hits == jd.CATEGORIES["hit"], split
        assert len(traps) >= 0.45 * len(rows) and len(rows) >= size, split
    pool = assigned("POOL_SPLITS")
    assert probe[0] in pool and blind[0] not in pool and "test" not in pool


def _blind_leaks(pool: tuple[str, ...], prefixes: dict[str, str]) -> list[str]:
    """How a never-trained split reaches the verifier's pool: by name or by id prefix."""
    never = {
        "test",
        "blind",
        "blind2",
        "blind3",
        "blind4",
        "blind5",
        "blind6",
        "blind7",
        "blind8",
        "blind9",
        "blind10",
        "blind11",
        "blind12",
        "blind13",
        "blind14",
        "blind15",
        "blind16",
        "blind17",
        "blind18",
        "blind19",
        "blind20",
        "blind21",
        "blind22",
        "blind23",
        "blind24",
        "blind25",
        "blind26",
        "blind27",
        "blind28",
    }
    leaks = [split for split in pool if split in never]
    leaks += [f"{split}={prefix}" for split, prefix in prefixes.items() if split in never]
    blind_prefixes = {f"{jd.SPLITS[s]}-" for s in never}
    return leaks + [p for p in prefixes.values() if p in blind_prefixes]


def test_committed_probe5_and_blind5_are_own_splits_and_blind5_is_never_trained_on() -> None:
    # probe5/blind5 (an eighth author): own prefixes, every trap and hit kind, 45-50% traps,
    # and blind5 is never in the verifier's pool, by split name or by id prefix.
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    assert report.problems == []
    assert jd.SPLITS["probe5"] == "p5" and jd.SPLITS["blind5"] == "b5"
    for split, prefix, size in (("probe5", "p5", 460), ("blind5", "b5", 330)):
        rows = report.rows[split]
        assert {r["id"][:3] for r in rows} == {f"{prefix}-"}, split
        assert {r["group"][:4] for r in rows} == {f"{prefix}-g"}, split
        traps = [r for r in rows if r["label"] == "trap"]
        assert {r["category"] for r in traps} == jd.CATEGORIES["trap"], split
        assert {r["category"] for r in rows if r["label"] == "hit"} == jd.CATEGORIES["hit"]
        assert 0.45 * len(rows) <= len(traps) <= 0.5 * len(rows) and len(rows) >= size, split
        assert len({r["domain"] for r in rows}) >= 25, split
    # the training reads its pool by split (file) name; there is no id-prefix map to leak by
    assert _blind_leaks(assigned("POOL_SPLITS"), {}) == []


@pytest.mark.parametrize(
    ("pool", "prefixes"),
    [
        (("train", "blind5"), {"train": "tr-"}),
        (("train",), {"train": "tr-", "blind5": "b5-"}),
        (("train", "probe5"), {"train": "tr-", "probe5": "b5-"}),
        (("train", "blind6"), {"train": "tr-"}),
        (("train", "probe6"), {"train": "tr-", "probe6": "b6-"}),
        (("train", "blind7"), {"train": "tr-"}),
        (("train", "probe7"), {"train": "tr-", "probe7": "b7-"}),
        (("train", "blind8"), {"train": "tr-"}),
        (("train", "probe8"), {"train": "tr-", "probe8": "b8-"}),
        (("train", "blind9"), {"train": "tr-"}),
        (("train", "probe9"), {"train": "tr-", "probe9": "b9-"}),
        (("train", "blind10"), {"train": "tr-"}),
        (("train", "probe10"), {"train": "tr-", "probe10": "ba-"}),
        (("train", "blind11"), {"train": "tr-"}),
        (("train", "probe11"), {"train": "tr-", "probe11": "bc-"}),
        (("train", "blind12"), {"train": "tr-"}),
        (("train", "probe12"), {"train": "tr-", "probe12": "bd-"}),
        (("train", "blind13"), {"train": "tr-"}),
        (("train", "probe13"), {"train": "tr-", "probe13": "be-"}),
        (("train", "blind14"), {"train": "tr-"}),
        (("train", "probe14"), {"train": "tr-", "probe14": "bf-"}),
        (("train", "blind15"), {"train": "tr-"}),
        (("train", "probe15"), {"train": "tr-", "probe15": "bg-"}),
        (("train", "blind16"), {"train": "tr-"}),
        (("train", "probe16"), {"train": "tr-", "probe16": "bh-"}),
        (("train", "blind17"), {"train": "tr-"}),
        (("train", "probe17"), {"train": "tr-", "probe17": "bi-"}),
        (("train", "blind18"), {"train": "tr-"}),
        (("train", "probe18"), {"train": "tr-", "probe18": "bj-"}),
        (("train", "blind19"), {"train": "tr-"}),
        (("train", "probe19"), {"train": "tr-", "probe19": "bk-"}),
        (("train", "blind20"), {"train": "tr-"}),
        (("train", "probe20"), {"train": "tr-", "probe20": "bm-"}),
        (("train", "blind21"), {"train": "tr-"}),
        (("train", "probe21"), {"train": "tr-", "probe21": "bn-"}),
        (("train", "probe22"), {"train": "tr-", "probe22": "bn-"}),
        (("train", "blind22"), {"train": "tr-"}),
        (("train", "probe22"), {"train": "tr-", "probe22": "bo-"}),
        (("train", "probe23"), {"train": "tr-", "probe23": "bo-"}),
        (("train", "blind23"), {"train": "tr-"}),
        (("train", "probe23"), {"train": "tr-", "probe23": "bp-"}),
        (("train", "blind24"), {"train": "tr-"}),
        (("train", "probe24"), {"train": "tr-", "probe24": "bq-"}),
        (("train", "blind25"), {"train": "tr-"}),
        (("train", "probe25"), {"train": "tr-", "probe25": "br-"}),
        (("train", "blind26"), {"train": "tr-"}),
        (("train", "probe26"), {"train": "tr-", "probe26": "bs-"}),
        (("train", "blind27"), {"train": "tr-"}),
        (("train", "probe27"), {"train": "tr-", "probe27": "bt-"}),
        (("train", "blind28"), {"train": "tr-"}),
        (("train", "probe28"), {"train": "tr-", "probe28": "bu-"}),
    ],
)
def test_blind_leak_check_catches_blind5_by_name_or_prefix(
    pool: tuple[str, ...], prefixes: dict[str, str]
) -> None:
    assert _blind_leaks(pool, prefixes) != []
    assert _blind_leaks(("train", "probe5"), {"train": "tr-", "probe5": "p5-"}) == []


ROLE_ENTITY = frozenset({"role", "entity"})
TURNED = frozenset({"role", "direction", "antonym"})  # something turned round
ROLE_ENTITY_DIRECTION = frozenset({"role", "entity", "direction"})
HARD_HITS = frozenset({"paraphrase", "code"})
NARROWED = frozenset({"entity", "scope", "negation", "number"})  # one element swapped in place
ROLE_DIRECTION = frozenset({"role", "direction"})  # who does what to whom, which way
ROLE = frozenset({"role"})
# Probes whose author left the pool to whoever retrains next (POOL_SPLITS is not theirs).
AWAITING_POOL: frozenset[str] = frozenset(
    {"probe21", "probe22", "probe23", "probe24", "probe25", "probe26", "probe27", "probe28"}
)


@pytest.mark.parametrize(
    ("split", "prefix", "size", "kinds", "share", "domains", "hard"),
    [
        ("probe6", "p6", 470, frozenset(), 0.0, 40, 0.0),  # a ninth author
        ("blind6", "b6", 340, frozenset(), 0.0, 40, 0.0),
        ("probe7", "p7", 440, ROLE_ENTITY, 0.5, 40, 0.0),  # a tenth, role and entity heavy
        ("blind7", "b7", 340, ROLE_ENTITY, 0.3, 40, 0.0),
        ("probe8", "p8", 470, TURNED, 0.65, 25, 0.0),  # an eleventh, about 30/20/20%
        ("blind8", "b8", 360, TURNED, 0.4, 40, 0.0),
        # a twelfth, role/entity/direction heavy, many paraphrase and code hits
        ("probe9", "p9", 500, ROLE_ENTITY_DIRECTION, 0.6, 15, 0.4),
        ("blind9", "b9", 370, ROLE_ENTITY_DIRECTION, 0.45, 30, 0.4),
        # a thirteenth, entity/scope/negation/number heavy; blind10 every kind evenly
        ("probe10", "pa", 500, NARROWED, 0.65, 30, 0.5),
        ("blind10", "ba", 330, frozenset(), 0.0, 50, 0.45),
        # a fourteenth, role and direction heavy, role swaps in many shapes
        ("probe11", "pc", 470, ROLE_DIRECTION, 0.5, 30, 0.4),
        ("blind11", "bc", 350, ROLE_DIRECTION, 0.4, 50, 0.45),
        # a fifteenth, every trap kind evenly, hard paraphrase and code hits
        ("probe12", "pd", 480, frozenset(), 0.0, 20, 0.6),
        ("blind12", "bd", 350, frozenset(), 0.0, 30, 0.6),
        # a sixteenth, role heavy, role swaps in many shapes, hard paraphrase and code hits
        ("probe13", "pe", 460, ROLE, 0.3, 15, 0.5),
        ("blind13", "be", 360, ROLE, 0.3, 30, 0.5),
        # a seventeenth, every trap kind, role + direction about a third, long and chatty
        ("probe14", "pf", 450, ROLE_DIRECTION, 0.3, 30, 0.6),
        ("blind14", "bf", 340, ROLE_DIRECTION, 0.3, 30, 0.6),
        # an eighteenth, role a quarter of the traps, one-change traps in long questions
        ("probe15", "pg", 460, ROLE, 0.25, 20, 0.6),
        ("blind15", "bg", 350, ROLE, 0.25, 30, 0.6),
        # a nineteenth, the same mix in other little-used domains
        ("probe16", "ph", 460, ROLE, 0.25, 40, 0.6),
        ("blind16", "bh", 340, ROLE, 0.25, 30, 0.6),
        # a twentieth, the same mix in more registers and other little-used domains
        ("probe17", "pi", 480, ROLE, 0.25, 40, 0.6),
        ("blind17", "bi", 350, ROLE, 0.25, 30, 0.6),
        # a twenty-first, the same mix, role swaps in many surface forms, more little-used domains
        ("probe18", "pj", 460, ROLE, 0.25, 40, 0.6),
        ("blind18", "bj", 360, ROLE, 0.25, 30, 0.6),
        # a twenty-second, the same mix in more registers and other little-used domains
        ("probe19", "pk", 460, ROLE, 0.25, 40, 0.6),
        # a twenty-third, the same mix in more little-used domains
        ("probe20", "pl", 500, ROLE, 0.25, 40, 0.6),
        ("blind20", "bm", 340, ROLE, 0.25, 30, 0.6),
        ("blind19", "bk", 360, ROLE, 0.25, 30, 0.6),
        # a twenty-fourth, the same mix with most traps reworded as well
        ("probe21", "pm", 480, ROLE, 0.25, 40, 0.6),
        ("blind21", "bn", 340, ROLE, 0.25, 30, 0.6),
        # a twenty-fifth, role about a fifth of the traps, half of them one-edit, half reworded
        ("probe22", "pn", 480, ROLE, 0.2, 40, 0.6),
        ("blind22", "bo", 340, ROLE, 0.2, 30, 0.6),
        # a twenty-sixth, questions as applications send them, every trap kind
        ("probe23", "pp", 470, frozenset(), 0.0, 40, 0.6),
        ("blind23", "bp", 360, frozenset(), 0.0, 30, 0.6),
        # a twenty-seventh, people at work who are not engineers, every trap kind
        ("probe24", "pq", 480, frozenset(), 0.0, 40, 0.5),
        ("blind24", "bq", 370, frozenset(), 0.0, 40, 0.5),
        # a twenty-eighth, people with hands-on jobs and home lives, every trap kind
        ("probe25", "pr", 480, frozenset(), 0.0, 40, 0.5),
        ("blind25", "br", 370, frozenset(), 0.0, 40, 0.5),
        # a twenty-ninth, people dealing with life admin, study, travel and patients' errands
        ("probe26", "ps", 490, frozenset(), 0.0, 40, 0.5),
        ("blind26", "bs", 400, frozenset(), 0.0, 40, 0.5),
        # a thirtieth, trades, farms, depots, kitchens, shops and hobbyists, half reworded
        ("probe27", "pt", 500, frozenset(), 0.0, 40, 0.5),
        ("blind27", "bt", 380, frozenset(), 0.0, 40, 0.5),
        # a thirty-first, home and free time (babies, pets, pills, games, parties), half reworded
        ("probe28", "pu", 520, frozenset(), 0.0, 40, 0.5),
        ("blind28", "bu", 380, frozenset(), 0.0, 40, 0.5),
    ],
)
def test_committed_later_authors_probes_and_blinds_are_own_splits(
    split: str,
    prefix: str,
    size: int,
    kinds: frozenset[str],
    share: float,
    domains: int,
    hard: float,
) -> None:
    # Own id and group prefixes, every trap and hit kind, 45-50% traps and a few misses,
    # many domains, every trap says what differs, the author's emphasis holds (trap kinds,
    # paraphrase and code hits); probes join the verifier's pool and blind sets never do.
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    assert report.problems == []
    assert jd.SPLITS[split] == prefix
    rows = report.rows[split]
    assert len(rows) >= size
    assert {r["id"][:3] for r in rows} == {f"{prefix}-"}
    assert {r["group"][:4] for r in rows} == {f"{prefix}-g"}
    traps = [r for r in rows if r["label"] == "trap"]
    assert {r["category"] for r in traps} == jd.CATEGORIES["trap"]
    assert {r["category"] for r in rows if r["label"] == "hit"} == jd.CATEGORIES["hit"]
    assert 0.45 * len(rows) <= len(traps) <= 0.5 * len(rows)
    assert 0 < sum(1 for r in rows if r["label"] == "miss") <= 0.05 * len(rows)
    assert all(r.get("note", "").strip() for r in traps)
    emphasized = sum(1 for r in traps if r["category"] in kinds)
    assert emphasized >= share * len(traps), (emphasized, len(traps))
    assert len({r["domain"] for r in rows}) >= domains
    hits = [r for r in rows if r["label"] == "hit"]
    assert sum(1 for r in hits if r["category"] in HARD_HITS) >= hard * len(hits)
    if split not in AWAITING_POOL:
        assert (split in assigned("POOL_SPLITS")) == split.startswith("probe")


def test_committed_probe10_leads_with_entity_and_blind10_spreads_every_kind_evenly() -> None:
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    kinds = {
        split: Counter(r["category"] for r in report.rows[split] if r["label"] == "trap")
        for split in ("probe10", "blind10")
    }
    assert kinds["probe10"].most_common(1)[0][0] == "entity"
    blind = kinds["blind10"]
    assert all(0.1 <= n / blind.total() <= 0.2 for n in blind.values())


def test_committed_probe11_leads_with_role_then_direction_and_blind11_keeps_every_kind() -> None:
    # probe11: role the largest trap kind (>= 30%), direction next (>= 15%); blind11 keeps
    # every kind at least 5% of its traps (role + direction: the later-authors test).
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    kinds = {
        split: Counter(r["category"] for r in report.rows[split] if r["label"] == "trap")
        for split in ("probe11", "blind11")
    }
    probe = kinds["probe11"]
    assert [k for k, _ in probe.most_common(2)] == ["role", "direction"]
    assert probe["role"] >= 0.3 * probe.total() and probe["direction"] >= 0.15 * probe.total()
    blind = kinds["blind11"]
    assert all(blind[k] >= 0.05 * blind.total() for k in jd.CATEGORIES["trap"])


def _kinds(rows: list[dict[str, Any]], label: str) -> Counter[str]:
    """How many of the rows with this label are of each category."""
    return Counter(r["category"] for r in rows if r["label"] == label)


def _assert_hard_hits(split: str, rows: list[dict[str, Any]], code: float) -> None:
    """Paraphrase hits at least 35% of the hits, code hits at least ``code`` of them."""
    hits = _kinds(rows, "hit")
    assert hits["paraphrase"] >= 0.35 * hits.total(), (split, hits)
    assert hits["code"] >= code * hits.total(), (split, hits)


@pytest.mark.parametrize(
    ("splits", "low", "high"),
    [(("probe12", "blind12"), 0.1, 0.17), (("probe14", "blind14"), 0.08, 0.23)],
)
def test_committed_even_authors_spread_every_trap_kind_and_lean_on_hard_hits(
    splits: tuple[str, str], low: float, high: float
) -> None:
    # probe12/blind12: every trap kind 10-17% of the traps (none leads by much); probe14/
    # blind14 8-23% (role and direction lead a little); paraphrase hits at least 35% and
    # code hits at least 20% of the hits.
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    for split in splits:
        rows = report.rows[split]
        kinds = _kinds(rows, "trap")
        assert all(low <= n / kinds.total() <= high for n in kinds.values()), (split, kinds)
        _assert_hard_hits(split, rows, 0.2)


@pytest.mark.parametrize(
    ("splits", "code", "long"),
    [
        (("probe13", "blind13"), 0.0, 0.0),
        (("probe15", "blind15"), 0.2, 0.08),
        (("probe16", "blind16"), 0.2, 0.08),
        (("probe17", "blind17"), 0.2, 0.08),
        (("probe18", "blind18"), 0.2, 0.08),
        (("probe19", "blind19"), 0.2, 0.08),
        (("probe20", "blind20"), 0.2, 0.08),
        (("probe21", "blind21"), 0.2, 0.08),
        (("probe22", "blind22"), 0.2, 0.08),
    ],
)
def test_committed_role_led_authors_keep_every_kind(
    splits: tuple[str, str], code: float, long: float
) -> None:
    # probe13/blind13 and probe15/blind15 to probe19/blind19: role the largest
    # trap kind (the later-authors test asserts its share), direction and entity next with at
    # least 10% each, every other kind at least 3% of the traps; paraphrase hits at least 35%
    # of the hits; the later five authors also code hits at least 20% and at least 8% of the
    # traps in a long question (20 words or more on either side: a context sentence, then the
    # question).
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    for split in splits:
        rows = report.rows[split]
        kinds = _kinds(rows, "trap")
        assert kinds.most_common(1)[0][0] == "role", (split, kinds)
        assert all(kinds[k] >= 0.1 * kinds.total() for k in ("direction", "entity")), split
        assert all(kinds[k] >= 0.03 * kinds.total() for k in jd.CATEGORIES["trap"]), split
        _assert_hard_hits(split, rows, code)
        words = [
            max(len(r["stored"].split()), len(r["asked"].split()))
            for r in rows
            if r["label"] == "trap"
        ]
        assert sum(1 for n in words if n >= 20) >= long * len(words), split


def _reworded(row: dict[str, Any]) -> bool:
    """A trap whose two sides share little wording (word Jaccard below 0.6)."""
    return jd.jaccard(jd.words(row["stored"]), jd.words(row["asked"])) < 0.6


@pytest.mark.parametrize(
    ("split", "code"),
    [
        ("probe23", 0.15),
        ("blind23", 0.15),
        ("probe24", 0.1),
        ("blind24", 0.1),
        ("probe25", 0.1),
        ("blind25", 0.1),
        ("probe26", 0.1),
        ("blind26", 0.1),
        ("probe27", 0.1),
        ("blind27", 0.1),
        ("probe28", 0.1),
        ("blind28", 0.1),
    ],
)
def test_committed_application_query_authors_spread_kinds_and_reword_some_traps(
    split: str, code: float
) -> None:
    # probe23 and blind23 (a twenty-sixth author), probe24 and blind24 (a twenty-seventh),
    # probe25 and blind25 (a twenty-eighth), probe26 and blind26 (a twenty-ninth), probe27
    # and blind27 (a thirtieth), probe28 and blind28 (a thirty-first):
    # every trap kind at least 8% of the traps, 30-55% of the traps reworded as well as
    # changed (the rest one-edit look-alikes), paraphrase the largest hit kind, code hits at
    # least ``code`` of the hits, and some traps in a long question.
    report = jd.validate(sorted(DATA.glob("*.jsonl")))
    rows = report.rows[split]
    traps = [r for r in rows if r["label"] == "trap"]
    kinds = _kinds(rows, "trap")
    assert all(kinds[k] >= 0.08 * len(traps) for k in jd.CATEGORIES["trap"]), kinds
    assert 0.3 * len(traps) <= sum(1 for r in traps if _reworded(r)) <= 0.55 * len(traps)
    hits = _kinds(rows, "hit")
    assert hits.most_common(1)[0][0] == "paraphrase", hits
    assert hits["code"] >= code * hits.total(), hits
    long = [r for r in traps if max(len(r["stored"].split()), len(r["asked"].split())) >= 20]
    assert len(long) >= 0.05 * len(traps)
