"""``nearcache explain "stored" "asked"``: the judge's decision on two questions, step by step.

Embeds both texts with the chosen model, then runs the default judge's explaining path
(:func:`nearcache.judge.explain`): the similarity floor, every guard (also those that
passed or found nothing), the verifier score and the accept threshold.

With a store (``--store``, ``--namespace``, ``--context`` or ``--hit-id``) the pair is
judged by a semantic cache over that store, which also applies what feedback asks in the
namespace, as a lookup does (``SemanticCache.explain(..., namespace=)``). ``--hit-id``
takes the ``X-Nearcache-Hit-Id`` of a proxy response (what ``/nearcache/feedback`` is
sent): the namespace and the entry come from the id, the stored question from the entry,
so only ASKED is given.
"""

from __future__ import annotations

import json
import re
import time
from typing import Annotated, Any

import typer

from .common import out_console
from .options import JsonOpt, ModelOpt, StoreOpt, check_rate, load_model

__all__ = ["explain_command", "explain_pair", "render_explain"]

_STYLE = {"pass": "green", "reject": "bold red", "neutral": "dim"}


def explain_command(
    stored: Annotated[
        str | None,
        typer.Argument(
            help="The question already in the cache (with --hit-id: leave it out).",
            metavar="STORED",
            show_default=False,
        ),
    ] = None,
    asked: Annotated[
        str | None, typer.Argument(help="The new question.", metavar="ASKED", show_default=False)
    ] = None,
    model: ModelOpt = None,
    max_false_hit_rate: Annotated[
        float | None,
        typer.Option(
            "--max-false-hit-rate",
            help="Use the accept threshold shipped for this bound (default: the shipped default).",
            show_default=False,
        ),
    ] = None,
    store: StoreOpt = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            "-n",
            help="Apply the feedback recorded in this namespace of the store (default: "
            "'default' when a store is given).",
            show_default=False,
        ),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            help="The context STORED was put with, as a JSON object (e.g. '{\"user\": 7}').",
            show_default=False,
        ),
    ] = None,
    hit_id: Annotated[
        str | None,
        typer.Option(
            "--hit-id",
            help="A proxy response's X-Nearcache-Hit-Id: judge ASKED against the entry it "
            "names, with the feedback recorded for it.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Would the semantic cache serve STORED's answer for ASKED? Every step of the judge."""
    from . import render

    if hit_id is not None:
        if asked is None:
            stored, asked = None, stored  # the one question given is the asked one
        elif stored is not None:
            raise typer.BadParameter(
                "with --hit-id give only ASKED: the stored question is the entry's",
                param_hint="STORED",
            )
        if namespace is not None or context is not None:
            raise typer.BadParameter(
                "the hit id names the namespace and the entry", param_hint="--namespace/--context"
            )
    else:
        stored = _question("STORED", stored)
    asked = _question("ASKED", asked)
    check_rate(max_false_hit_rate, "--max-false-hit-rate")
    embedder, _ = load_model(model)
    if store is None and namespace is None and context is None and hit_id is None:
        data = explain_pair(_question("STORED", stored), asked, embedder, max_false_hit_rate)
    else:
        data = _explain_in_store(
            store, stored, asked, embedder, max_false_hit_rate, namespace, context, hit_id
        )
    render.emit(data, as_json, render_explain)


def _question(hint: str, text: str | None) -> str:
    if text is None:
        raise typer.BadParameter("give the question's text", param_hint=hint)
    if not text.strip():  # an empty question (often an unset shell variable)
        raise typer.BadParameter("the question is empty: give its text", param_hint=hint)
    return text


def explain_pair(
    stored: str, asked: str, embedder: Any, max_false_hit_rate: float | None = None
) -> dict[str, Any]:
    """The verdict on serving ``stored``'s answer for ``asked``, as a JSON-ready dict."""
    from ..judge import DefaultJudge, explain

    judge = DefaultJudge(max_false_hit_rate=max_false_hit_rate)
    verdict = explain(stored, asked, embedder=embedder, judge=judge)
    return _as_dict(stored, asked, embedder, verdict, judge.accept_threshold)


def _explain_in_store(
    url: str | None,
    stored: str | None,
    asked: str,
    embedder: Any,
    max_false_hit_rate: float | None,
    namespace: str | None,
    context: str | None,
    hit_id: str | None,
) -> dict[str, Any]:
    """The verdict of a semantic cache over the store ``url``, feedback applied."""
    from ..semantic.cache import SemanticCache
    from .ops import naming_the_model, opened

    scope = _context(context)
    with opened(url, must_exist=True) as st:
        entry = None
        if hit_id is not None:
            namespace, entry, stored = _entry_of(st, hit_id)
        ns = "default" if namespace is None else namespace
        _check_namespace(st, ns)
        question = _question("STORED", stored)
        bound = max_false_hit_rate
        with naming_the_model(st):
            cache = SemanticCache(store=st, embedder=embedder, max_false_hit_rate=bound)
        with cache:
            verdict = cache.explain(question, asked, namespace=ns, context=scope, entry=entry)
            threshold = getattr(cache.judge, "accept_threshold", None)
    data = _as_dict(question, asked, embedder, verdict, threshold)
    data.update(store=st.url, namespace=ns, entry=entry)
    return data


def _check_namespace(store: Any, ns: str) -> None:
    """Refuse a namespace without semantic entries (a typo, or a store the semantic cache
    never used) before a cache is made over the store, which would write its id there."""
    from ..errors import CacheError
    from ..semantic.indexing import TABLE

    names = sorted(store.namespaces(TABLE))
    if ns not in names:
        has = f"its namespaces: {', '.join(names)}" if names else "it holds none"
        raise CacheError(
            f"namespace {ns!r} of {store.url} holds no semantic-cache entries ({has}): pass "
            f"--namespace, or leave out --store to judge the two texts alone"
        )


def _context(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise typer.BadParameter(f"not JSON: {exc}", param_hint="--context") from None
    if not isinstance(value, dict):
        raise typer.BadParameter("give a JSON object ({...})", param_hint="--context")
    return value


def _entry_of(store: Any, hit_id: str) -> tuple[str, str, str]:
    """Namespace, key and stored question of the semantic-cache entry ``hit_id`` names."""
    from ..errors import CacheError, MissingExtraError
    from ..semantic.indexing import TABLE
    from ..semantic.record import decode_entry

    try:
        from ..proxy.keys import parse_hit_id
    except ImportError as exc:
        raise MissingExtraError("proxy", "orjson", "reading a proxy hit id") from exc
    ref = parse_hit_id(hit_id)
    if ref is None:
        raise typer.BadParameter(
            "not a hit id (the X-Nearcache-Hit-Id header of a cached response)",
            param_hint="--hit-id",
        )
    if ref.kind == "kv":
        raise typer.BadParameter(
            "it names an exact-only answer (a whole request's key, never judged): there is "
            "no question to compare; a wrong report deletes that answer",
            param_hint="--hit-id",
        )
    blob = store.get_many(TABLE, ref.namespace, [ref.key], now=time.time(), touch=False)[0]
    if blob is None:
        why = "a wrong exact hit deletes its entry; " if ref.kind == "exact" else ""
        raise CacheError(
            f"the entry this hit id names is no longer in namespace {ref.namespace!r} of "
            f"{store.url} ({why}entries also expire or are evicted)"
        )
    return ref.namespace, ref.key, decode_entry(blob, ref.namespace, ref.key).query


def _as_dict(
    stored: str, asked: str, embedder: Any, verdict: Any, threshold: float | None
) -> dict[str, Any]:
    similarity = next((s.score for s in verdict.steps if s.name == "floor"), None)
    return {
        "stored": stored,
        "asked": asked,
        "model": str(getattr(embedder, "fingerprint", "")),
        "similarity": similarity,
        "accept": verdict.accept,
        "score": verdict.score,
        "reason": verdict.reason,
        "accept_threshold": threshold,
        "steps": [
            {"name": s.name, "outcome": s.outcome, "detail": s.detail, "score": s.score}
            for s in verdict.steps
        ],
    }


#: A guard's detail that names a side by its place ("only in the first: ...").
_SIDES = re.compile(r"\bthe (?:first|second)\b")


def render_explain(data: dict[str, Any]) -> None:
    """A table of every step and a one-line decision."""
    from rich.table import Table
    from rich.text import Text

    console = out_console()
    table = Table(title="judge", title_justify="left", show_edge=False, pad_edge=False)
    for name in ("step", "outcome", "score", "detail"):
        table.add_column(name, justify="right" if name == "score" else "left")
    for step in data["steps"]:
        score = "" if step["score"] is None else f"{step['score']:.3f}"
        outcome = Text(step["outcome"], style=_STYLE.get(step["outcome"], ""))
        table.add_row(step["name"], outcome, score, step["detail"])
    if any(_SIDES.search(str(step["detail"])) for step in data["steps"]):
        # the guards read (asked, stored), the reverse of the command's argument order
        table.caption = (
            "in a detail, the first text is the asked question, the second the stored one"
        )
        table.caption_justify = "left"
    if data.get("namespace") is not None:
        console.print(f"stored: {data['stored']}  (namespace {data['namespace']})")
    console.print(table)
    if data["accept"]:
        line = Text("HIT", style="bold green")
        line.append(f": the stored answer serves the asked question (score {data['score']:.3f})")
    else:
        line = Text("MISS", style="bold red")
        line.append(f": refused by {data['reason']}")
    console.print(line)
