"""The English word classes the tokenizer needs before any guard runs.

* :data:`STOPWORDS` -- function words, politeness and filler, light verbs: they carry no
  topic of their own, so a question is compared on the other words (its *content*).
* :data:`CONTRACTIONS` -- contractions typed without the apostrophe ("dont", "cant",
  "whats"), read as written with it.
* :data:`IRREGULAR` -- past forms of common irregular verbs, read as the base verb
  ("fell" is "fall", "ran" is "run"), so a change of tense is not a change of topic.
* :data:`NOT_CONTENT` -- words another guard owns: number words (numbers guard), month
  and weekday names and relative days (time guard). They are not content words, so
  "two"/"2" or "Dec"/"December" do not look like different topics.
* :data:`COUNTING` with :func:`asks_count`, and :func:`verdict_tag` -- words that only
  ask for a count ("how many", "number of") or a verdict at the end of a statement ("...
  w/o receipt - legal?"): no topic of their own.
* :func:`bare_motion` -- "go" before the place it goes to ("does the invoice go to the
  importer" is "invoice -> importer"; "->" is read as "to"): no topic of its own.
* :data:`ASKED` with :func:`asks_event` -- words that only ask when or what happened
  ("date of the next Super Bowl" is "when is the next Super Bowl", "events of 6 June
  1944" / "what took place on 6 June 1944" is "what happened on 6 June 1944").
* :func:`singular` with :data:`NOT_PLURAL` -- a regular plural's singular ("apps" is
  "app"): the one plural rule of the judge (:func:`.tokens.stem` starts with it).

Plain English facts, each list readable on its own; nothing here is taken from a pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "ASKED",
    "ASKING",
    "AUXILIARIES",
    "CONTRACTIONS",
    "COUNTING",
    "IRREGULAR",
    "NOT_CONTENT",
    "NOT_PLURAL",
    "STOPWORDS",
    "asks_count",
    "asks_event",
    "bare_motion",
    "hyphen_forms",
    "singular",
    "verdict_tag",
    "wordset",
]


def wordset(text: str) -> frozenset[str]:
    """The words of ``text`` split on whitespace, as a set (how word lists are written)."""
    return frozenset(text.split())


def hyphen_forms(low: str) -> tuple[tuple[str, ...], str]:
    """A word's hyphen parts (the word itself when it has no hyphen) and the word written
    joined: ``(("non", "stop"), "nonstop")`` for "non-stop". The negation and antonyms
    guards read "non-stop" and "nonstop" as one word with them."""
    if "-" not in low:
        return (low,), low
    return tuple(p for p in low.split("-") if p), low.replace("-", "")


#: Auxiliary verbs: one opens a yes/no question ("Does X ...?", "Can I ...?") and one can
#: stand for a verb said before it ("what does git fetch do that git pull doesn't").
AUXILIARIES = wordset(
    "is am are was were do does did has have had can could will would shall should may might must"
)

_NEGATED = wordset(
    "don't doesn't didn't can't cannot won't wouldn't shouldn't couldn't isn't aren't wasn't "
    "weren't hasn't haven't hadn't mustn't needn't ain't not no never without"
)

#: Function words, fillers and light verbs (see the module docstring).
STOPWORDS = _NEGATED | wordset(
    "a an the this that these those some any each every either of in on at by for with "
    "about as into onto from to than then so such too very just really also only even i "
    "me my mine we us our you your yours he him his she her it its they them their theirs "
    "myself yourself itself themselves is am are was were be been being do does did "
    "doing done have has had having will would shall should can could may might must what "
    "which who whom whose how why when where there here if whether or and but hey hi "
    "hello please thanks thank kindly pls plz ok okay well like want wanted need tell "
    "know let let's lets get got give gimme wanna gonna gotta someone somebody something "
    "anyone anybody anything way ways thing things question actually basically exactly "
    "possible best good simple simplest easy easiest quick quickly correct correctly "
    "properly proper right ever again still already up out all both other another same "
    "i'm i've i'd i'll you're you've you'll we're they're it's what's how's that's "
    "there's here's who's where's when's why's u ur ya yall thx help explain explained "
    "explanation example examples eg e.g ie i.e vs versus between via per percent see "
    "use using used going able try trying tried guys anyone please pls over"
)

#: Contractions typed without their apostrophe.
CONTRACTIONS = {
    w.replace("'", ""): w
    for w in (  # noqa: SIM905
        "don't doesn't didn't can't won't wouldn't shouldn't couldn't isn't aren't wasn't "
        "weren't hasn't haven't hadn't mustn't needn't i'm i've i'll you're you've they're "
        "what's how's that's there's who's where's when's it's let's"
    ).split()
    if w.replace("'", "") not in ("its", "were", "well", "hell", "shell", "wed", "ill")
}

#: Past tense and past participle of common irregular verbs -> the base verb.
IRREGULAR = {
    form: base
    for line in (  # noqa: SIM905
        "arise arose arisen|awake awoke awoken|be was were been|bear bore borne|beat beaten|"
        "become became|begin began begun|bend bent|bet|bid|bind bound|bite bit bitten|"
        "bleed bled|blow blew blown|break broke broken|breed bred|bring brought|"
        "build built|burn burnt|burst|buy bought|catch caught|choose chose chosen|"
        "come came|cost|creep crept|cut|deal dealt|dig dug|do did done|draw drew drawn|"
        "dream dreamt|drink drank drunk|drive drove driven|eat ate eaten|fall fell fallen|"
        "feed fed|feel felt|fight fought|find found|flee fled|fly flew flown|"
        "forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|"
        "freeze froze frozen|get got gotten|give gave given|go went gone|grind ground|"
        "grow grew grown|hang hung|have had|hear heard|hide hid hidden|hit|hold held|"
        "hurt|keep kept|kneel knelt|know knew known|lay laid|lead led|lean leant|"
        "leap leapt|learn learnt|leave left|lend lent|let|lie lay lain|light lit|"
        "lose lost|make made|mean meant|meet met|pay paid|prove proven|put|quit|read|"
        "ride rode ridden|ring rang rung|rise rose risen|run ran|say said|see saw seen|"
        "seek sought|sell sold|send sent|set|shake shook shaken|shine shone|shoot shot|"
        "show shown|shrink shrank shrunk|shut|sing sang sung|sink sank sunk|sit sat|"
        "sleep slept|slide slid|speak spoke spoken|speed sped|spend spent|spin spun|"
        "split|spread|stand stood|steal stole stolen|stick stuck|sting stung|"
        "strike struck|swear swore sworn|sweep swept|swim swam swum|swing swung|"
        "take took taken|teach taught|tear tore torn|tell told|think thought|"
        "throw threw thrown|understand understood|wake woke woken|wear wore worn|"
        "weep wept|win won|wind wound|withdraw withdrew withdrawn|write wrote written"
    ).split("|")
    for base, *forms in [line.split()]
    for form in forms
    if form not in ("lay", "found", "ground", "left", "saw", "wound", "bound", "light")
}

#: Words another guard owns (see the module docstring).
NOT_CONTENT = wordset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion dozen "
    "january february march april june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays "
    "thursdays fridays saturdays sundays today tonight tomorrow yesterday "
    "first second third fourth fifth sixth seventh eighth ninth tenth twice once half"
)

#: Words that open a question: after a topic ("git stash: what happens ...", "Uber Eats
#: refund - how do I get one?") they start what is asked about it.
ASKING = wordset(
    "what how why which who whom whose is are was were does do did can could should would "
    "will shall may might"
)

#: Words that ask for a count when they stand as "how many" / "how much" / "number of".
COUNTING = wordset("many much number amount")
#: A verdict asked for at the end of a statement ("sublet w/o approval - allowed?") asks
#: what "can I" or "is it ok to" asks; a question that opens as one keeps it.
_VERDICTS = wordset("allowed permitted legal acceptable fine")
#: Words before a verdict that ask it as a question of its own ("..., is that fine?").
_ASKED_VERDICT = wordset(
    "is it that this be are was were it's that's thats seem seems sound he she they you we i"
)


def asks_count(low: str, prev: str, tokens: Sequence[Any], at: int) -> bool:
    """Whether ``low`` (a word of :data:`COUNTING` at ``tokens[at]``, after the lowercase
    ``prev``) only asks for a count: "many"/"much" after "how", "number"/"amount" opening
    "number of", which "#" or a bare noun ask as well ("# credits to graduate")."""
    if low in ("many", "much"):
        return prev == "how"
    nxt = tokens[at + 1].low if at + 1 < len(tokens) else ""
    return nxt == "of" and not (prev[:1].isalnum() and prev not in STOPWORDS)


def verdict_tag(words: Sequence[str]) -> bool:
    """Whether the last of ``words`` (a text's lowercase words) is a verdict asked of a
    statement ("tenant sublet w/o approval - allowed?"), not of a question of its own."""
    return (
        len(words) > 1
        and words[-1] in _VERDICTS
        and words[0] not in ASKING
        and words[-2] not in _ASKED_VERDICT
    )


#: Words that may only ask when or what happened (:func:`asks_event`).
_HAPPEN = wordset("happen happens happened happening")
_EVENTS = wordset("event events")
_WHEN = wordset("date day")
_TOOK = wordset("take takes took taking taken")
ASKED = _HAPPEN | _EVENTS | _WHEN | _TOOK | {"place"}
_WHERE_WHEN = wordset("on in at during")


def asks_event(low: str, prev: str, tokens: Sequence[Any], at: int) -> bool:
    """Whether ``low`` (a word of :data:`ASKED` at ``tokens[at]``, after the lowercase
    ``prev``) only asks when or what happened: "happened" / "took place" before a time or
    place ("on 20 July", "in Europe", not "happened to the drivers"); "what / which day"
    or "date" (not "what day of the week"); "date" opening "date of ..." or ending a text
    without a question word ("boston marathon date?", not "how do I add 30 days to a
    date"); "events" opening "events of / in / on ..."."""
    words = [t.low for t in tokens if t.kind != "sym"]
    nxt = tokens[at + 1].low if at + 1 < len(tokens) else ""
    if low in _HAPPEN:
        return nxt in _WHERE_WHEN
    first = not any(t.kind != "sym" for t in tokens[:at])
    if low in _TOOK:
        return nxt == "place"
    if low == "place":
        return prev in _TOOK and nxt in _WHERE_WHEN
    if low in _EVENTS:
        return first and nxt in _WHERE_WHEN | {"of"}
    if prev in ("what", "which"):
        return nxt != "of"  # "what day of the week" asks a weekday, not a date
    last = not any(t.kind != "sym" for t in tokens[at + 1 :])
    asked = not ASKING.isdisjoint(words)
    return low == "date" and ((first and nxt == "of") or (last and not asked))


#: Forms of "go" (:func:`bare_motion`) and the words that name where to after it.
GOING = wordset("go goes went gone going")
_TOWARDS = wordset("to into from through via onto")


def bare_motion(text: str, nxt: str) -> bool:
    """Whether ``text`` (a form of "go" as written) before ``nxt`` (the next word,
    lowercase) only says that something moves to a place: lowercase (not "Go" the
    language) and before "to / into / from / through / via" ("go up", "go down" and "go
    off" say how, and stay)."""
    return text.islower() and nxt in _TOWARDS


#: Words whose final "s" is not a plural ("https" is not several "http").
NOT_PLURAL = wordset("https dns aws gps ios macos sms mms news series species")


def singular(word: str) -> str:
    """The singular of a regular English plural, as the judge's stems read it ("apps" ->
    "app", "boxes" -> "box", "cities" -> "city"); any other word as it is. Lowercase."""
    if word in NOT_PLURAL:
        return word
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 4 and word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word
