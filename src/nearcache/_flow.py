"""Sans-I/O flows with one sync and one async driver, so no cache logic is written twice.

A flow is a generator that does its store work inline and *yields* a request whenever it
needs something only the caller's world can do: run the embedder (``Embed``), wait for
another caller's in-flight embedding (``Wait``) or pause before polling again
(``Sleep``). ``run_sync`` answers with blocking calls; ``run_async`` awaits the async
embedder and runs the generator's steps (store I/O) in a worker thread so the event loop
never blocks.

If the embedder raises, the exception is thrown into the generator, which decides what it
means (``CachedEmbedder`` re-raises, ``SemanticCache`` turns it into a miss). If an async
caller is cancelled, the generator is closed after its current step finishes, so its
``finally`` blocks (releasing single-flight claims) always run exactly once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["Embed", "Sleep", "Wait", "run_async", "run_sync"]

_R = TypeVar("_R")


@dataclass(frozen=True)
class Embed:
    """Ask the driver to embed ``texts``; the flow receives the raw embedder output."""

    texts: list[str]


@dataclass(frozen=True)
class Wait:
    """Ask the driver to wait (up to ``timeout`` s) for futures; the flow receives None."""

    futures: Sequence[concurrent.futures.Future[Any]]
    timeout: float


@dataclass(frozen=True)
class Sleep:
    """Ask the driver to pause (polling for another process's work); flow receives None."""

    seconds: float


Flow = Generator[Embed | Wait | Sleep, Any, _R]


def run_sync(flow: Flow[_R], embed: Callable[[list[str]], Any]) -> _R:
    """Drive ``flow`` with blocking calls."""
    try:
        request = next(flow)
        while True:
            if isinstance(request, Embed):
                try:
                    result = embed(request.texts)
                except Exception as exc:  # handed to the flow, which decides
                    request = flow.throw(exc)
                    continue
                request = flow.send(result)
            elif isinstance(request, Wait):
                concurrent.futures.wait(request.futures, timeout=request.timeout)
                request = flow.send(None)
            else:
                time.sleep(request.seconds)
                request = flow.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        flow.close()


@dataclass(frozen=True)
class _Done:
    value: Any


def _step(flow: Flow[Any], how: str, value: Any) -> Any:
    try:
        if how == "send":
            return flow.send(value)
        return flow.throw(value)
    except StopIteration as stop:
        return _Done(stop.value)


async def _call_embed(embed: Callable[[list[str]], Any], texts: list[str]) -> Any:
    result = embed(texts)
    if inspect.isawaitable(result):
        return await result
    return result


async def run_async(flow: Flow[_R], embed: Callable[[list[str]], Any]) -> _R:
    """Drive ``flow`` from asyncio: ``embed`` may be sync (run in a thread) or async."""
    loop = asyncio.get_running_loop()
    sync_embed = not inspect.iscoroutinefunction(embed)
    how, value = "send", None
    while True:
        fut = loop.run_in_executor(None, _step, flow, how, value)
        try:
            request = await asyncio.shield(fut)
        except asyncio.CancelledError:
            # The step keeps running in its thread; close the flow once it is done.
            fut.add_done_callback(lambda _f: flow.close())
            raise
        if isinstance(request, _Done):
            return request.value  # type: ignore[no-any-return]
        try:
            if isinstance(request, Embed):
                if sync_embed:
                    value = await asyncio.to_thread(embed, request.texts)
                else:
                    value = await _call_embed(embed, request.texts)
            elif isinstance(request, Wait):
                await asyncio.wait(
                    [asyncio.wrap_future(f) for f in request.futures], timeout=request.timeout
                )
                value = None
            else:
                await asyncio.sleep(request.seconds)
                value = None
            how = "send"
        except asyncio.CancelledError:
            await loop.run_in_executor(None, flow.close)
            raise
        except Exception as exc:
            how, value = "throw", exc
