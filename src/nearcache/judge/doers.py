"""Who did what: two "who" questions about the same work that ask for different roles.

"Who wrote the song Hallelujah?" and "Who sang the most famous cover of Hallelujah?" name
the same work, and the verifier sees a shared name, a "who" on both sides and a high
cosine; yet the songwriter and the singer are different people. Two texts that each ask
"who" and name a role right after it -- a verb ("who wrote", "who originally sang") or an
agent noun ("who is the director of") -- ask for different people when the roles belong
to different groups below and neither text names the other's role at all ("who wrote and
sang" covers both). The entities guard rejects such a pair.

Each group holds the verbs (with their irregular forms) and the agent nouns of one role:
write (compose, pen, author; writer, composer, songwriter, lyricist, novelist,
playwright), sing (perform, record, cover; singer, vocalist, performer), direct
(director, filmmaker), produce (producer), found (founded, established; founder), invent
(inventor), discover (discoverer), paint (painter), design (designer, architect), build
(construct; builder), play on screen (star; actor, actress), lead (run, head, manage,
CEO), own (owner), illustrate, translate, narrate, edit, publish, coach, kill and
assassinate.

Limits: verbs that name no role on their own ("make", "create", "start", "find", "do")
are not read, nor are two roles within one group ("wrote" / "composed" are the same
question, though a lyricist and a composer can differ). Only "who" questions: "the
author of X" against "the singer of X" without "who" is left to the verifier. English
only.
"""

from __future__ import annotations

from .align import align
from .tokens import analyze, text_cache, wordset

__all__ = ["role_asked", "role_changed"]

_GROUPS: dict[str, str] = {
    "write": "write writes wrote written writing compose composes composed pen pens penned "
    "author authored writer writers author authors composer songwriter lyricist novelist "
    "playwright screenwriter",
    "sing": "sing sings sang sung singing perform performs performed record recorded cover "
    "covered singer singers vocalist performer performers",
    "direct": "direct directs directed director directors filmmaker",
    "produce": "produce produces produced producer producers",
    "found": "founded cofounded co-founded establish established founder founders cofounder "
    "co-founder",
    "invent": "invent invents invented inventor inventors",
    "discover": "discover discovers discovered discoverer",
    "paint": "paint paints painted painter",
    "design": "design designs designed designer designers architect",
    "build": "build builds built construct constructed builder builders",
    "act": "star stars starred starring actor actress actors",
    "lead": "leads led run runs ran head heads headed manage manages managed ceo leader manager",
    "own": "own owns owned owner owners",
    "illustrate": "illustrate illustrated illustrator",
    "translate": "translate translated translator",
    "narrate": "narrate narrated narrator",
    "edit": "edit edited editor",
    "publish": "publish published publisher",
    "coach": "coach coaches coached",
    "kill": "kill kills killed killer assassinate assassinated assassin",
}
_ROLE: dict[str, str] = {w: g for g, words in _GROUPS.items() for w in words.split()}
#: Words that may stand between "who" and the role ("who originally wrote", "who is the
#: lead singer of").
_BETWEEN = wordset(
    "is was are were 's the a an first originally actually really also lead main real "
    "original famous current"
)
_REACH = 4


@text_cache
def role_asked(text: str) -> tuple[str | None, frozenset[str]]:
    """The role a "who" question asks for (the first listed role word after "who"), and
    every role the text names anywhere."""
    toks = analyze(text).tokens
    named = frozenset(_ROLE[t.low] for t in toks if t.low in _ROLE)
    if not named:
        return None, named
    for i, tok in enumerate(toks):
        if tok.low not in ("who", "who's"):
            continue
        for nxt in toks[i + 1 : i + 1 + _REACH]:
            if nxt.low in _ROLE:
                return _ROLE[nxt.low], named
            if nxt.low not in _BETWEEN and not nxt.low.endswith("ly"):
                break
    return None, named


def role_changed(a: str, b: str) -> tuple[str, str] | None:
    """The two roles when both texts ask "who" for roles of different groups, each absent
    from the other text, about at least one shared content word; else None."""
    ra, na = role_asked(a)
    if ra is None:
        return None
    rb, nb = role_asked(b)
    if rb is None or ra == rb or ra in nb or rb in na:
        return None
    if not align(a, b).matched:
        return None
    return ra, rb
