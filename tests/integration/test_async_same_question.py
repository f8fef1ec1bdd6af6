"""The documented pattern for async tasks that miss the same question at once
(docs/semantic-cache.md, "Tasks that miss the same question at once"): the page's own
code, checked beyond the page's example. Nothing here depends on the order the event
loop runs the tasks in: waiting tasks read the answer after the first task's put."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from nearcache import AsyncFunctionEmbedder, AsyncSemanticCache

PAGE = Path(__file__).resolve().parents[2] / "docs" / "semantic-cache.md"


def _pattern() -> dict[str, Any]:
    """The names the page's snippet defines (its last line, which runs the example, is
    left out)."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("### Tasks that miss the same question at once") :]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    code = found.group(1).replace("asyncio.run(main())", "")
    names: dict[str, Any] = {"__name__": "snippet"}
    exec(compile(code, str(PAGE), "exec"), names)
    return names


def test_a_burst_calls_the_llm_once_per_question_and_namespace() -> None:
    names = _pattern()

    async def run() -> tuple[list[str], list[str], Any]:
        calls: list[str] = []

        async def llm(question: str) -> str:
            calls.append(question)
            await asyncio.sleep(0)
            return f"answer to {question}"

        embedder = AsyncFunctionEmbedder(names["embed"], 3, "toy")
        async with AsyncSemanticCache(embedder=embedder) as cache:
            flight = names["SingleFlight"](cache, llm)
            asks = [flight.answer("how do I rotate keys?", ns) for ns in ("a", "b") * 10]
            asks += [flight.answer("which port?", "a") for _ in range(10)]
            got = await asyncio.gather(*asks)
            return got, calls, flight._locks

    got, calls, locks = asyncio.run(run())
    assert got == ["answer to how do I rotate keys?"] * 20 + ["answer to which port?"] * 10
    # one call per (namespace, question): namespaces never share answers
    assert sorted(calls) == ["how do I rotate keys?"] * 2 + ["which port?"]
    assert locks == {}


def test_when_the_llm_raises_the_error_reaches_one_task_and_the_next_one_calls() -> None:
    names = _pattern()

    async def run() -> tuple[list[Any], int]:
        calls = 0

        async def llm(question: str) -> str:
            nonlocal calls
            calls += 1
            await asyncio.sleep(0)
            if calls == 1:
                raise RuntimeError("upstream timeout")
            return "ok"

        embedder = AsyncFunctionEmbedder(names["embed"], 3, "toy")
        async with AsyncSemanticCache(embedder=embedder) as cache:
            flight = names["SingleFlight"](cache, llm)
            asks = [flight.answer("q?") for _ in range(10)]
            return await asyncio.gather(*asks, return_exceptions=True), calls

    got, calls = asyncio.run(run())
    assert calls == 2
    assert [type(g).__name__ for g in got].count("RuntimeError") == 1
    assert got.count("ok") == 9
