"""Field labels of pasted output are not names; a lone "Label:" stays as written."""

from __future__ import annotations

from nearcache.judge import guard_entities
from nearcache.judge.entities import entities
from nearcache.judge.fields import labels
from nearcache.judge.tokens import analyze


def test_two_fields_make_labels() -> None:
    text = "systemctl status says Active State: failed Main Process: exited, what now"
    toks = analyze(text).tokens
    found = {toks[i].text for i in labels(toks)}
    assert found == {"Active", "State", "Main", "Process"}
    assert not any(n in ("active state", "main process") for n, _ in entities(text))


def test_one_field_is_not_pasted_output() -> None:
    toks = analyze("Django: how do I add a unique field").tokens
    assert labels(toks) == frozenset()
    assert guard_entities("Django: how to add a field", "Flask: how to add a field").outcome == (
        "reject"
    )


def test_labels_do_not_hide_a_different_name() -> None:
    asked = "pod events show Last State: Terminated Exit Code: 1, why"
    assert guard_entities(asked, "why was my Kubernetes pod terminated").outcome != "reject"
    other = "pod events show Last State: Terminated Image: Nginx, why"
    assert guard_entities(other, "why was my Apache pod terminated").outcome == "reject"
