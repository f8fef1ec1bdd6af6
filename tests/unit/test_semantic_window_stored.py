"""The window check of a stored candidate: it reads the stored question's key text (the
text its vector was made from, normalized unless turned off), and a ``fits`` that raises
on it refuses that candidate instead of raising out of the lookup.

Such candidates were put by an embedder that did not say (or a release that did not ask):
a question put past the window now goes to no searched partition, so each test puts with
``fits`` turned off and turns it on to look up."""

from __future__ import annotations

from typing import Any

from nearcache import Hit, Miss, SemanticCache
from semantic_support import RESET, WINDOW, WindowEmbedder, text_vector

VEC = text_vector("the same vector for both")
SPACED = "how   do   I   reset   my   password   now"  # 42 characters; 33 normalized
LIGATURE = "how to reset the o\ufb03ce printer's password"  # NFKC: 'ffi', 40 -> 42


def cache_of(emb: Any, normalize: bool = True) -> SemanticCache:
    return SemanticCache(embedder=emb, judge=None, normalize=normalize)


def test_a_stored_question_whose_key_text_fits_is_served() -> None:
    assert len(SPACED) > WINDOW >= len(" ".join(SPACED.split()))
    cache = cache_of(WindowEmbedder())
    cache.put(SPACED, "reset answer", embedding=VEC)
    hit = cache.lookup("how do I reset my password?", embedding=VEC)
    assert isinstance(hit, Hit) and (hit.layer, hit.response) == ("semantic", "reset answer")
    emb = WindowEmbedder(says_fits=False)
    raw = cache_of(emb, normalize=False)  # its key text is the raw text
    raw.put(SPACED, "reset answer", embedding=VEC)
    emb.says_fits = True
    miss = raw.lookup("how do I reset my password?", embedding=VEC)
    assert isinstance(miss, Miss) and miss.reason == "truncated"


def test_a_stored_question_that_normalizing_lengthens_past_the_window_is_not() -> None:
    assert len(LIGATURE) <= WINDOW  # the raw text fits, its NFKC key text does not
    emb = WindowEmbedder(says_fits=False)
    cache = cache_of(emb)
    cache.put(LIGATURE, "printer answer", embedding=VEC)
    emb.says_fits = True
    miss = cache.lookup("reset the office printer password", embedding=VEC)
    assert isinstance(miss, Miss) and miss.reason == "truncated"


class BreaksOnLong(WindowEmbedder):
    """A tokenizer that fails on some stored text only (the query's check passes)."""

    breaks = True

    def _fits(self, text: str) -> bool:
        if len(text) > WINDOW and self.breaks:
            raise RuntimeError("tokenizer broke")
        return True


def test_a_fits_raising_on_a_stored_question_refuses_it() -> None:
    emb = BreaksOnLong()
    emb.breaks = False  # put while it worked
    cache = cache_of(emb)
    cache.put(RESET, "long answer", embedding=VEC)
    emb.breaks = True
    miss = cache.lookup("short question", embedding=VEC)
    assert isinstance(miss, Miss) and miss.reason == "embedder_error"
    cache.put("short stored question", "short answer", embedding=VEC)
    hit = cache.lookup("short question", embedding=VEC)  # the next candidate is served
    assert isinstance(hit, Hit) and hit.response == "short answer"
