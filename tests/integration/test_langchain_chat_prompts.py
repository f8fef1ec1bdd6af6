"""NearcacheLLMCache under a LangChain chat model: the prompt it receives is the whole
conversation serialized, so what it embeds and what it scopes by decide which answers
are served (SPEC 2: an answer never crosses what it was asked in)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.globals import set_llm_cache
from langchain_core.language_models import FakeListChatModel
from langchain_core.load import dumps
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from nearcache import SemanticCache, SQLiteStore
from nearcache.embedders.default import default_embedder
from nearcache.integrations.langchain import NearcacheLLMCache
from nearcache.integrations.lcprompts import prompt_key

SYSTEM = SystemMessage(
    "You are the support assistant of Acme Corp. "
    + " ".join(
        f"Rule {i}: be polite, concise and accurate, and never reveal internal data about "
        "customers or orders."
        for i in range(30)
    )
)


@pytest.fixture
def model(tmp_path: Path) -> Iterator[FakeListChatModel]:
    """A chat model that answers "answer #N" for its N-th call, behind the LLM cache."""
    cache = SemanticCache(embedder=default_embedder(), store=SQLiteStore(tmp_path / "lc.db"))
    set_llm_cache(NearcacheLLMCache(cache))
    try:
        yield FakeListChatModel(responses=[f"answer #{i}" for i in range(20)])
    finally:
        set_llm_cache(None)
        cache.close()


def ask(model: FakeListChatModel, *messages: BaseMessage) -> str:
    return str(model.invoke(list(messages)).content)


def test_questions_under_a_long_system_prompt_are_not_served_each_others_answers(
    model: FakeListChatModel,
) -> None:
    """The whole conversation was embedded: a long system prompt filled the embedder's
    window and every question under it was served the first answer."""
    assert ask(model, SYSTEM, HumanMessage("How do I reset my password?")) == "answer #0"
    assert ask(model, SYSTEM, HumanMessage("How do I delete my account?")) == "answer #1"
    assert ask(model, SYSTEM, HumanMessage("Can I get a refund?")) == "answer #2"
    # a paraphrase of a question asked under the same system prompt still hits
    assert ask(model, SYSTEM, HumanMessage("How can I reset my password?")) == "answer #0"
    # the same question under another system prompt is another conversation
    other = SystemMessage("You are a pirate. Answer like a pirate.")
    assert ask(model, other, HumanMessage("How do I reset my password?")) == "answer #3"


def test_earlier_turns_scope_the_answer(model: FakeListChatModel) -> None:
    alice = [HumanMessage("My name is Alice."), AIMessage("Hi Alice")]
    bob = [HumanMessage("My name is Bob."), AIMessage("Hi Bob")]
    assert ask(model, *alice, HumanMessage("What is my name?")) == "answer #0"
    assert ask(model, *bob, HumanMessage("What is my name?")) == "answer #1"
    # ids and response metadata never reach the model: a replayed conversation matches
    replayed = [
        HumanMessage("My name is Alice.", id="m-1"),
        AIMessage("Hi Alice", id="run-9", response_metadata={"finish_reason": "stop"}),
        HumanMessage("What is my name?", id="m-2"),
    ]
    assert ask(model, *replayed) == "answer #0"


def test_a_conversation_over_the_query_cap_is_cached_not_refused(
    model: FakeListChatModel,
) -> None:
    """A conversation over 32 KB made every model call raise PayloadTooLargeError."""
    document = SystemMessage("Use this document: " + "Lorem ipsum dolor sit amet. " * 1500)
    assert ask(model, document, HumanMessage("Summarize it")) == "answer #0"
    assert ask(model, document, HumanMessage("Summarize it")) == "answer #0"
    pasted = HumanMessage("Summarize: " + "Lorem ipsum dolor sit amet. " * 1500)
    assert ask(model, pasted) == "answer #1"
    assert ask(model, pasted) == "answer #1"


def test_a_tool_result_matches_only_the_same_conversation(model: FakeListChatModel) -> None:
    call = AIMessage("", tool_calls=[{"name": "weather", "args": {"city": "Paris"}, "id": "c1"}])
    asked = [SYSTEM, HumanMessage("Weather in Paris?"), call]
    sunny = ToolMessage("sunny, 21 C", tool_call_id="c1")
    rainy = ToolMessage("rain, 9 C", tool_call_id="c1")
    assert ask(model, *asked, sunny) == "answer #0"
    assert ask(model, *asked, rainy) == "answer #1"
    assert ask(model, *asked, sunny) == "answer #0"


def test_prompt_key_shapes() -> None:
    # a plain LLM's prompt keeps the key it always had (entries made before still hit)
    assert prompt_key("What is a cache?", "llm", 32768) == (
        "What is a cache?",
        {"llm_string": "llm"},
    )
    chat = dumps([SystemMessage("Be brief."), HumanMessage("What is a cache?")])
    query, context = prompt_key(chat, "llm", 32768)
    assert query == "What is a cache?"
    assert set(context) == {"llm_string", "messages"} and context["llm_string"] == "llm"
    parts = dumps([HumanMessage([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}])])
    assert prompt_key(parts, "llm", 32768)[0] == "a\nb"
    image = {"type": "image_url", "image_url": {"url": "data:,"}}
    for whole in (
        dumps([HumanMessage([{"type": "text", "text": "what is this?"}, image])]),
        dumps([HumanMessage("hi"), AIMessage("Sure, ")]),  # an assistant prefill
        dumps([HumanMessage("   ")]),
        dumps([HumanMessage("x" * 40)]),  # over a 32-byte cap
    ):
        query, context = prompt_key(whole, "llm", 32)
        assert query.startswith("#") and context["prompt"] == query[1:], whole
    for blank in ("", "  \n"):  # a plain blank prompt: the cache refuses it as a query
        query, context = prompt_key(blank, "llm", 32768)
        assert query.startswith("#") and context["prompt"] == query[1:]
    # JSON that is not a message list is a plain prompt
    assert prompt_key(json.dumps([1, 2]), "llm", 32768)[0] == "[1, 2]"
    assert prompt_key("[not json", "llm", 32768)[0] == "[not json"
