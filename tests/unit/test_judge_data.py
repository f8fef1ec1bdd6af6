"""The judge's labeled pairs: the committed files validate, and the validator catches leaks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from judge_data_support import DATA, load_validator

jd = load_validator()


def row(
    n: int,
    group: int,
    stored: str,
    asked: str,
    label: str = "hit",
    category: str = "paraphrase",
    prefix: str = "tr",
    **extra: str,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"{prefix}-{n:06d}",
        "group": f"{prefix}-g{group:04d}",
        "stored": stored,
        "asked": asked,
        "label": label,
        "category": category,
        "domain": "programming",
    }
    out.update(extra)
    return out


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path: Path) -> tuple[Path, Path]:
    train = write(
        tmp_path / "train.jsonl",
        [
            row(1, 1, "How do I reverse a list in Python?", "python reverse a list"),
            row(
                2,
                1,
                "How do I reverse a list in Python?",
                "How do I sort a list in Python?",
                "trap",
                "antonym",
                note="sort vs reverse",
            ),
        ],
    )
    dev = write(
        tmp_path / "dev.jsonl",
        [
            row(1, 1, "What is a tuple?", "what's a tuple", prefix="dv"),
            row(
                2,
                1,
                "What is a tuple?",
                "How do I install numpy?",
                "miss",
                "unrelated",
                prefix="dv",
            ),
        ],
    )
    return train, dev


def test_committed_files_are_valid() -> None:
    paths = sorted(DATA.glob("*.jsonl"))
    assert {"train.jsonl", "train2.jsonl", "dev.jsonl"} <= {p.name for p in paths}
    report = jd.validate(paths)
    assert report.problems == []
    assert len(report.rows["train"]) > len(report.rows["dev"]) > 0
    assert len(report.rows["train2"]) > 0


def test_committed_train2_is_its_own_split() -> None:
    # train2 (a third author) is checked against every other split, test included: no
    # group, id or question text (up to case and punctuation) in common.
    paths = sorted(DATA.glob("*.jsonl"))
    report = jd.validate(paths)
    assert report.problems == []
    rows = report.rows["train2"]
    assert {r["id"][:3] for r in rows} == {"t2-"} and {r["group"][:4] for r in rows} == {"t2-g"}
    seen = {(r["label"], r["category"]) for r in rows}
    assert seen == {(lab, cat) for lab, cats in jd.CATEGORIES.items() for cat in cats}

    def texts(rs: list[dict[str, Any]]) -> set[str]:
        return {jd.normalized(r[k]) for r in rs for k in ("stored", "asked")}

    others = set().union(*(texts(rs) for s, rs in report.rows.items() if s != "train2"))
    assert not others & texts(rows)


def test_committed_train_and_dev_cover_every_label_and_category() -> None:
    report = jd.validate([DATA / "train.jsonl", DATA / "dev.jsonl"])
    for split in ("train", "dev"):
        seen = {(r["label"], r["category"]) for r in report.rows[split]}
        expected = {(lab, cat) for lab, cats in jd.CATEGORIES.items() for cat in cats}
        assert seen == expected, split


@pytest.mark.parametrize(("split", "minimum"), [("train", 60), ("dev", 20)])
def test_committed_splits_meet_the_category_minimums(split: str, minimum: int) -> None:
    # The judge is tuned per category; a thin category makes its measured rates noise.
    rows = jd.validate([DATA / f"{split}.jsonl"]).rows[split]
    per_cat = {
        cat: sum(1 for r in rows if r["category"] == cat)
        for cat in jd.CATEGORIES["hit"] | jd.CATEGORIES["trap"]
    }
    assert min(per_cat.values()) >= minimum, per_cat
    labels = {lab: sum(1 for r in rows if r["label"] == lab) / len(rows) for lab in jd.CATEGORIES}
    assert 0.45 <= labels["hit"] <= 0.55 and 0.35 <= labels["trap"] <= 0.47, labels
    assert 0.04 <= labels["miss"] <= 0.12, labels


def test_committed_train_and_dev_span_many_domains() -> None:
    report = jd.validate([DATA / "train.jsonl", DATA / "dev.jsonl"])
    assert len(jd.counts(report)["domains"]) >= 25


def test_good_files_pass_and_are_counted(good: tuple[Path, Path]) -> None:
    report = jd.validate(good)
    assert report.ok, report.problems
    c = jd.counts(report)
    assert c["splits"] == {"train": 2, "dev": 2}
    assert c["categories"]["train"] == {"hit/paraphrase": 1, "trap/antonym": 1}
    assert c["domains"] == {"programming": {"train": 2, "dev": 2}}
    assert jd.main([str(p) for p in good]) == 0


def test_group_in_two_splits_is_a_problem(good: tuple[Path, Path], tmp_path: Path) -> None:
    train, _ = good
    # A dev file whose rows claim a train group: ids and groups share the prefix, so the
    # leak is a train-prefixed group living in a second file.
    leak = write(tmp_path / "dev.jsonl", [row(9, 1, "What is a set?", "what's a set")])
    report = jd.validate([train, leak])
    assert any("group 'tr-g0001' is in splits ['dev', 'train']" in p for p in report.problems)
    assert jd.main([str(train), str(leak)]) == 1


def test_question_text_in_two_splits_is_a_problem(good: tuple[Path, Path], tmp_path: Path) -> None:
    train, _ = good
    dev = write(
        tmp_path / "dev.jsonl",
        [
            row(1, 1, "How do I reverse a list in Python?", "reverse list py", prefix="dv"),
        ],
    )
    report = jd.validate([train, dev])
    assert any("question 'How do I reverse a list in Python?'" in p for p in report.problems)


def test_question_shared_up_to_case_and_punctuation_is_a_problem(
    good: tuple[Path, Path], tmp_path: Path
) -> None:
    train, _ = good
    train2 = write(
        tmp_path / "train2.jsonl",
        [row(1, 1, "how do i reverse a list in python", "python list reverse", prefix="t2")],
    )
    report = jd.validate([train, train2])
    assert any(
        "question 'How do I reverse a list in Python?' is in splits ['train', 'train2']" in p
        for p in report.problems
    ), report.problems


def test_known_split_with_another_prefix_is_a_problem(tmp_path: Path) -> None:
    ok = write(tmp_path / "train2.jsonl", [row(1, 1, "a b c", "a b d", prefix="t2")])
    assert jd.validate([ok]).ok
    bad = write(tmp_path / "dev.jsonl", [row(1, 1, "a b e", "a b f", prefix="t2")])
    assert any("ids must start with 'dv'-" in p for p in jd.validate([bad]).problems)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(1, 1, "a b c", "a b d", "maybe"), "label 'maybe'"),
        (row(1, 1, "a b c", "a b d", "hit", "negation"), "category 'negation' not allowed"),
        (row(1, 1, "a b c", "a b d", "trap", "paraphrase"), "category 'paraphrase' not allowed"),
        (row(1, 1, "same text", "same text"), "same text"),
        (row(1, 1, "a b c", "   "), "'asked' is empty"),
        (row(1, 1, " a b c", "a b d"), "padded"),
        ({**row(1, 1, "a b c", "a b d"), "id": "train-1"}, "id 'train-1'"),
        ({**row(1, 1, "a b c", "a b d"), "group": "dv-g0001"}, "prefixes differ"),
        ({**row(1, 1, "a b c", "a b d"), "domain": "Programming"}, "domain"),
        ({**row(1, 1, "a b c", "a b d"), "stored": 3}, "not a string"),
        ({"asked": "x", **row(1, 1, "a b c", "a b d")}, "in this order"),
        ({**row(1, 1, "a b c", "a b d"), "extra": "x"}, "in this order"),
    ],
)
def test_bad_rows_are_reported(tmp_path: Path, bad: dict[str, Any], message: str) -> None:
    report = jd.validate([write(tmp_path / "train.jsonl", [bad])])
    assert any(message in p for p in report.problems), report.problems


def test_duplicates_and_broken_lines(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    lines = [
        json.dumps(row(1, 1, "q one here", "q one there")),
        json.dumps(row(1, 1, "q two here", "q two there")),
        json.dumps(row(2, 1, "q one here", "q one there")),
        "{not json",
        "",
        json.dumps(["a", "list"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = jd.validate([path]).problems
    assert any("duplicate id tr-000001" in p for p in problems)
    assert any("duplicate (stored, asked)" in p for p in problems)
    assert any("invalid JSON" in p for p in problems)
    assert any("blank line" in p for p in problems)
    assert any("not a JSON object" in p for p in problems)


def test_json_output_and_missing_file(
    good: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert jd.main(["--json", *map(str, good)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["problems"] == [] and out["labels"]["dev"] == {"hit": 1, "miss": 1}
    assert jd.main([str(tmp_path / "nope.jsonl")]) == 2


def test_near_reports_only_the_asked_splits_close_questions() -> None:
    # The overlap check: word Jaccard of one split's questions against the others', each
    # hit named by this split's id and text only (the other split's text is never shown).
    report = jd.Report(
        rows={
            "mine": [
                {
                    "id": "p3-000001",
                    "stored": "How do I reverse a list in Python?",
                    "asked": "what is the capital of peru",
                },
            ],
            "other": [
                {
                    "id": "tr-000001",
                    "stored": "how do I reverse a list in python 3",
                    "asked": "boiling point of water",
                },
            ],
            "third": [
                {"id": "te-000001", "stored": "capital of Peru?", "asked": "x y z"},
            ],
        }
    )
    found = jd.near(report, "mine")
    assert found == [("p3-000001", "How do I reverse a list in Python?", 0.889, "other")]
    assert jd.near(report, "mine", ["third"]) == []
    assert jd.near(report, "mine", threshold=0.5)[1][3] == "third"  # 3 of 6 words shared
    assert jd.near(report, "other") == [
        ("tr-000001", "how do I reverse a list in python 3", 0.889, "mine")
    ]
    assert jd.jaccard(jd.words("A b"), jd.words("a, B!")) == 1.0
    assert jd.jaccard(frozenset(), frozenset()) == 0.0


def test_near_option_prints_this_splits_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = {
        "probe3": ("p3", "How do I reverse a list in Python?"),
        "train": ("tr", "how do I reverse a list in python 3"),
    }
    paths = []
    for split, (prefix, text) in rows.items():
        path = tmp_path / f"{split}.jsonl"
        row = {
            "id": f"{prefix}-000001",
            "group": f"{prefix}-g0001",
            "stored": text,
            "asked": f"{split} asked",
            "label": "hit",
            "category": "paraphrase",
            "domain": "programming",
        }
        path.write_text(json.dumps(row) + "\n", "utf-8")
        paths.append(str(path))
    assert jd.main(["--near", "probe3", *paths]) == 0
    out = capsys.readouterr().out
    assert "p3-000001  0.89  vs train:  How do I reverse a list in Python?" in out
    assert "python 3" not in out
