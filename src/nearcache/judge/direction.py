"""Guard (``direction``): the same words must stand in the same roles.

"Convert Celsius to Fahrenheit" / "Fahrenheit to Celsius" (0.995) and "Did Brazil beat
Germany?" / "Did Germany beat Brazil?" (0.996) use the same words; only who does what to
whom changed. The guard rejects a pair when

* a term is the **source** in one text and the **destination** in the other: the word
  after "from" or "out of" (not "run out of": running short) against the word after
  "to"/"into"/"onto"/"towards" ("move money from
  PayPal to my bank" / "from my bank to PayPal"), so "from X to Y" and "to Y from X" agree
  while "to X from Y" does not; the thing moved in "<verb> my/the X to Y" is a source too
  ("mirror my phone to my tablet" / "mirror my tablet to my phone"), and so is the first
  term of the thing turned in "<verb> a <modifiers> X <more> into Y" ("turn a wide table
  with one column per month into a long one"); a language is also
  a destination after "in" and in "the German word for X", a source in "the German
  word X" ("What does the German word Gift mean in English" / "translate gift from
  English to German"); or
* two terms are **exchanged** around a frame or pivot that stayed in place (see
  :mod:`.order`: "Is X a subset of Y" / "Is Y a subset of X"; "Can I catch a cold from my
  cat" / "Can my cat catch a cold from me").
* a listed relation names the same two terms with its ends exchanged in other words
  ("Is numpy a dependency of pandas" / "Does numpy depend on pandas"; "Does Maria report
  to Tom" / "Is Maria Tom's boss"; see :mod:`.frames`); with its ends kept ("Does pandas
  depend on numpy") the exchange of order is the converse, neutral; or
* one term alone changes role (:mod:`.agents`): a person who acts at a shared verb in one
  text is acted on at it in the other ("I sent a payment to the wrong person" / "Someone
  sent a payment to me"), or the term compared in one text comes after "than" in the
  other ("X vs Y: is Y faster?" / "Is X faster than Y?"); or the speaker does a verb
  in one text and it is done to them, or to what they own, in the other
  (:mod:`.voice`: "I cancelled my train" / "My train got cancelled", "someone hits my
  car" / "I hit someone's car"); or
* two things are ordered the other way in other words (:mod:`.precedence`: "crashes
  before committing" / "dies after it has committed", "read X before Y" / "prefer Y over
  X"); or
* terms trade clauses while each clause keeps its frame (:mod:`.clauseswap`: "we went forward
  to v5, how to roll back to v3" / "we rolled back to v3, how to go forward to v5"), or
  one clause names the other of two terms both texts name ("warfarin interacts with my
  antibiotic. Should the *warfarin* dose go up?" / "... the *antibiotic* dose").

A phrase moved as one block ("In Python, how do I reverse a list?") passes, and so do
terms around a symmetric connective (and, or, vs, versus, with, between). An exchange
together with a pair of opposites is the converse, the same question ("Is X cheaper
than Y" / "Is Y more expensive than X"): neutral, the verifier decides. So is a passive
on one side ("Was Germany beaten by Brazil" / "Did Brazil beat Germany").

Limits: see :mod:`.order` (English word order, no parser).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .agents import case_moved, comparison_turned, effect_turned
from .antonyms import comparative_converse, exchanged_poles, opposition
from .asides import without_asides
from .clauseswap import clause_relabelled, clause_turned, slots_swapped
from .compounds import link_swapped
from .crossing import crossed
from .ends import endpoints, swapped_ends
from .formats import format_swapped
from .frames import frame_change
from .lexicon import lexicon
from .markers import marker_changed
from .mentions import mention_turned
from .order import exchange
from .owners import owner_turned
from .parties import acted_on, party_turned, speaker_turned
from .precedence import order_turned
from .relations import person_swapped
from .roles import SYMMETRIC_PREDICATES, Exchange, role_keys
from .stretches import operands_swapped
from .tokens import Text, analyze
from .types import NEUTRAL, PASS, REJECT, GuardResult
from .unknowns import unknown_swapped
from .voice import clause_voice_turned, noun_voice_changed, owner_moved, voice_changed

__all__ = ["SYMMETRIC_EXCUSE", "converse", "endpoints", "guard_direction", "symmetric_relation"]

#: How the guard's detail ends when it excuses terms exchanged around a symmetric word
#: ("berlin / paris exchanged around 'from', but 'far' is symmetric"): no role changed.
#: The verifier's ``crossed`` feature reads it (:mod:`.features`).
SYMMETRIC_EXCUSE = " is symmetric"


_RELATIVE_OPENERS = frozenset(("that", "which", "who", "whom", "whose"))
_EVENT_JOINS = frozenset(("before", "after", "when", "whenever", "while", "until", "then", "once"))


def _symmetric_predicate(t: Text) -> str | None:
    return next((w for w in t.words if w in SYMMETRIC_PREDICATES), None)


def symmetric_relation(found: Exchange) -> str | None:
    """The symmetric relation (``data/symmetric.txt``) the exchanged terms stand in, in
    every text: "Did Kennedy *meet* Khrushchev", "Is 0.999... *equal to* 1", "*How far*
    is Lyon from Nice". None when one text lacks it or the exchange records no sides, or
    when a relative clause opens between the terms after words before the first: the
    first term is then no party to the relation ("the regions in B *that* do not overlap
    A": the regions are), or a word joining two events stands between them ("the next
    swimmer leave the block *before* the incoming swimmer touches": two clauses)."""
    if not found.sides or any(
        (lead and between and between[0] in _RELATIVE_OPENERS) or _EVENT_JOINS.intersection(between)
        for between, lead in found.sides
    ):
        return None
    lex = lexicon()
    words = [lex.symmetric_relation(between, lead) for between, lead in found.sides]
    return words[0] if all(words) else None


def converse(a: str, b: str, found: Exchange) -> bool:
    """An exchange that comes with a pair of converse words is the same statement: a
    comparative turned round ("X is cheaper than Y" / "Y is more expensive than X") or a
    listed converse ("X came before Y" / "Y came after X")."""
    opposite = opposition(a, b)
    if opposite is None or exchanged_poles(found, opposite):
        return False
    if comparative_converse(found, opposite):
        return True
    return lexicon().converse(opposite[0], opposite[1])


def _percent_of(found: Exchange) -> bool:
    """Two numbers exchanged around "% of" / "percent of": the same product."""
    return (
        found.x.startswith("#")
        and found.y.startswith("#")
        and found.pivot
        in (
            "% of",
            "percent of",
        )
    )


#: The role readers other than an exchange of order, in the order they are asked, each
#: with how its finding is said.
_ROLE_READERS: tuple[tuple[Callable[[str, str], Any], Callable[[Any], str]], ...] = (
    (format_swapped, lambda f: f"{f[0]!r} files opened in {f[1]!r}, not the reverse"),
    (link_swapped, lambda f: f"{f[0]!r} one way, {f[1]!r} in the other"),
    (
        unknown_swapped,
        lambda f: f"the amount asked for and the one given exchanged at {f[0]!r} / {f[1]!r}",
    ),
    (person_swapped, lambda f: f"{f!r} is the subject in one text only"),
    (case_moved, lambda f: f"{f[0]!r} acts at {f[1]!r} in one text only"),
    (
        voice_changed,
        lambda f: f"the speaker does {f!r} in one text, it is done to them in the other",
    ),
    (
        owner_moved,
        lambda f: f"the speaker does {f!r} in one text, it is done to what they own in the other",
    ),
    (
        noun_voice_changed,
        lambda f: f"the {f[0]!r} does {f[1]!r} in one text, it is done to it in the other",
    ),
    (
        clause_voice_turned,
        lambda f: f"{f[1]!r} and {f[2]!r} keep their order at {f[0]!r}, its voice turned",
    ),
    (comparison_turned, lambda f: f"{f!r} is compared in one text, after 'than' in the other"),
    (
        mention_turned,
        lambda f: f"one mention of {f[0]!r} / {f[1]!r} turned into its opposite",
    ),
    (
        slots_swapped,
        lambda f: f"{f[0]!r} and {f[1]!r} trade clauses while each clause keeps its frame",
    ),
    (marker_changed, lambda f: f"{f[0]!r} is marked {f[1]!r} in one text, {f[2]!r} in the other"),
    (operands_swapped, lambda f: f"{f[0]!r} and {f[1]!r} trade places around an operator"),
    (crossed, lambda f: f"{f[0]!r} and {f[1]!r} cross with nothing to explain it"),
    (order_turned, lambda f: f"the same two things ordered the other way ({f[0]!r} / {f[1]!r})"),
    (
        party_turned,
        lambda f: f"the question is asked of {f[0]!r} in one text, of {f[1]!r} in the other",
    ),
)
#: Readers of a party turned round in other words, asked last, of the two whole texts
#: only (not of a clause, nor again without an aside): after every reading of terms
#: exchanged, so a pair those read keeps their finding.
_LATE_READERS: tuple[tuple[Callable[[str, str], Any], Callable[[Any], str]], ...] = (
    (acted_on, lambda f: f"{f[0]!r} acts in one text, is acted on ({f[1]!r}) in the other"),
    (speaker_turned, lambda f: f"the speaker is the {f!r} in one text, has one in the other"),
    (
        owner_turned,
        lambda f: f"the {f[0]!r} is {_whose(f[1])} in one text, {_whose(f[2])} in the other",
    ),
)


def _whose(owner: str) -> str:
    """How an owner of :func:`.owners.owner_turned` is said: "the speaker's", "X's"."""
    return {"<me>": "the speaker's", "<you>": "the listener's"}.get(owner, f"{owner}'s")


def _role_changed(a: str, b: str, *, unframed: bool) -> str | None:
    """What one of the role readers in other words than an exchange of order found
    changed (an application's format, the amount asked for, a person's or a term's role,
    a comparison, cause and effect), or None."""
    for read, say in _ROLE_READERS:
        found = read(a, b)
        if found is not None:
            return say(found)
    turned = effect_turned(a, b) if unframed else None
    if turned is not None:
        return f"{turned[0]!r} and {turned[1]!r} trade subject and object"
    return None


def guard_direction(a: str, b: str) -> GuardResult:
    """Reject when the two texts exchange their terms' roles (see the module docstring);
    when they do not, read them once more without what either adds that names nothing
    of the other (:mod:`.asides`: "Can you tell me: can I use a single rope as a half
    rope?" / "Can I use a half rope as a single rope?")."""
    res, settled = _roles_reading(a, b)
    if res.outcome == REJECT:
        return res
    if not settled:
        for read, say in _LATE_READERS:
            late = read(a, b)
            if late is not None:
                return GuardResult(REJECT, f"roles changed: {say(late)}")
    bare = without_asides(a, b)
    if bare is None:
        return res
    again = _roles_read(*bare)
    if again.outcome != REJECT:
        return res
    return GuardResult(REJECT, f"{again.detail} (read without the aside)")


def _roles_read(a: str, b: str) -> GuardResult:
    """The roles read on a pair (:func:`_roles_reading`'s result alone)."""
    return _roles_reading(a, b)[0]


def _roles_reading(a: str, b: str) -> tuple[GuardResult, bool]:
    """The roles read on a pair, and whether an excuse settled them: the texts are not
    English, or terms exchanged are excused (a symmetric relation, a converse, "x% of
    y"). Only a pair the readings left unsettled (a refusal aside: the roles kept, or too
    few terms shared to read them) is asked the late readers."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: roles not read"), True
    framed = frame_change(a, b)
    if framed is not None and framed[0] == "swapped":
        return GuardResult(
            REJECT, f"roles changed: {framed[1]} (other words, ends exchanged)"
        ), True
    changed = _role_changed(a, b, unframed=framed is None)
    if changed is not None:
        return GuardResult(REJECT, f"roles changed: {changed}"), True
    found = exchange(a, b)
    end = swapped_ends(a, b)
    if framed is not None and isinstance(found, Exchange) and {found.x, found.y} <= framed[2]:
        return GuardResult(NEUTRAL, f"converse: {framed[1]} named from the other end"), True
    if isinstance(found, Exchange) or end is not None:
        what = (
            f"{found.x.lstrip('~')} / {found.y.lstrip('~')} exchanged around {found.pivot!r}"
            if isinstance(found, Exchange)
            else f"{end!r} is a source on one side and a destination on the other"
        )
        symmetric = (
            symmetric_relation(found)
            if isinstance(found, Exchange) and found.sides
            else _symmetric_predicate(ta) or _symmetric_predicate(tb)
        )
        if symmetric:
            return GuardResult(NEUTRAL, f"{what}, but {symmetric!r}{SYMMETRIC_EXCUSE}"), True
        if isinstance(found, Exchange) and _percent_of(found):
            return GuardResult(NEUTRAL, f"{what}: x% of y is y% of x"), True
        if isinstance(found, Exchange) and converse(a, b, found):
            return GuardResult(NEUTRAL, f"converse: {what}, with opposite words"), True
        return GuardResult(REJECT, f"roles changed: {what}"), True
    turned = clause_turned(a, b, _roles_read)
    if turned is not None:
        return GuardResult(REJECT, f"roles changed in a clause: {turned}"), True
    relabelled = clause_relabelled(a, b)
    if relabelled is not None:
        x, y = relabelled
        return GuardResult(
            REJECT, f"roles changed: a clause asks of {x!r} / {y!r}, both named in each"
        ), True
    if found is True:
        return GuardResult(PASS, "a phrase moved; the roles are kept"), False
    ka, kb = role_keys(a, b)
    if len({k for k, _ in ka} & {k for k, _ in kb}) >= 2:
        return GuardResult(PASS, "shared terms keep their order"), False
    return GuardResult(NEUTRAL, "fewer than two shared terms"), False
