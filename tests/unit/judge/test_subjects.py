"""Who acts, read beyond pronoun cases (agents.py): a noun that acts at a shared verb in
one text while a person acts at it in the other, and two yes/no questions that trade
subject and object with different verbs (cause and effect turned round). Symmetric
relations between two named things stay symmetric."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.agents import case_moved, effect_turned

# A noun acts at the verb in one text, "I"/"we" at the same verb in the other.
_NOUN_OR_PERSON = [
    (
        "Can the police search my car without a warrant?",
        "Can I search a police car without a warrant?",
    ),
    ("Can the school search my locker?", "Can I search the school locker?"),
    ("Will the insurer cancel my policy?", "Will I cancel the insurer policy?"),
    ("Can my employer cut my hours?", "Can I cut my employer hours?"),
    ("My cat scratched the sofa, how do I stop it?", "I scratched my cat, how do I stop it?"),
    ("My brother crashed my car, who pays?", "I crashed my brother's car, who pays?"),
    ("My partner lost my keys, what now?", "I lost my partner's keys, what now?"),
    (
        "My flatmate moved out in March, does he still owe me rent?",
        "I moved out in March, does my flatmate still owe me rent?",
    ),
    # a clause opened by "if", "when" ...
    (
        "What should I do if my roommate stops paying rent?",
        "What should I do if I stop paying rent to my roommate?",
    ),
    (
        "What if my client cancels the contract early?",
        "What if I cancel the contract with my client early?",
    ),
    # a verb symmetric between two named things is not when a person's own choice is asked
    ("Can I compete with my former employer?", "Can my former employer compete with me?"),
    (
        "Should I negotiate with my landlord about rent?",
        "Should my landlord negotiate with me about rent?",
    ),
    ("Can I cooperate with the prosecutor?", "Can the prosecutor cooperate with me?"),
]

# Subject and object trade places around different verbs.
_EFFECT_TURNED = [
    ("Does caffeine raise blood pressure?", "Does high blood pressure make caffeine less safe?"),
    ("Does debt reduce credit scores?", "Do credit scores affect debt?"),
    ("Can anxiety trigger migraines?", "Can migraines worsen anxiety?"),
    ("Does caching hide database latency?", "Does database latency break caching?"),
    ("Does rent control raise housing prices?", "Do housing prices drive rent control?"),
]

# The same roles in other words, a measure of the same thing, or a symmetric relation.
_KEPT = [
    (
        "Can the police search my car without a warrant?",
        "Can police search my car with no warrant?",
    ),
    ("Can the bank freeze my account?", "Can my bank freeze my account?"),
    (
        "Can my landlord raise the rent mid-lease?",
        "Is my landlord allowed to raise rent during the lease?",
    ),
    (
        "Does the bank charge a fee for wire transfers?",
        "Will my bank charge me for a wire transfer?",
    ),
    ("Does coffee count toward my daily water intake?", "Can I count cups of coffee as water?"),
    ("Does Apple compete with Samsung?", "Does Samsung compete with Apple?"),
    ("Does Airbus compete with Boeing on jets?", "Does Boeing compete with Airbus on jets?"),
    ("Is Uber competing with Lyft in Europe?", "Is Lyft competing with Uber in Europe?"),
    ("Does exercise improve sleep?", "Can exercise improve my sleep?"),
    ("Does exercise improve sleep?", "Is sleep improved by exercise?"),
    ("Does caffeine raise blood pressure?", "Can caffeine increase blood pressure?"),
    ("Does debt lower credit scores?", "Does having debt reduce your credit score?"),
    ("Does the court need my signature?", "Does the court require my signature?"),
    (
        "What if my client cancels the contract early?",
        "What happens if my client ends the contract early?",
    ),
]


@pytest.mark.parametrize(("a", "b"), _NOUN_OR_PERSON)
def test_a_noun_acting_where_a_person_acts_in_the_other_text_is_a_role_change(
    a: str, b: str
) -> None:
    assert case_moved(a, b) is not None and case_moved(b, a) is not None
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(("a", "b"), _EFFECT_TURNED)
def test_subject_and_object_traded_with_other_verbs_is_a_role_change(a: str, b: str) -> None:
    assert effect_turned(a, b) == effect_turned(b, a) is not None
    assert guard_direction(a, b) == guard_direction(b, a)
    assert guard_direction(a, b).outcome == "reject"


@pytest.mark.parametrize(("a", "b"), _KEPT)
def test_the_same_roles_in_other_words_pass(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert case_moved(x, y) is None
        assert effect_turned(x, y) is None
        assert guard_direction(x, y).outcome != "reject"


def test_a_converse_verb_or_a_passive_is_not_a_turned_effect() -> None:
    assert (
        effect_turned("Does the lease precede the deposit?", "Does the deposit follow the lease?")
        is None
    )
    assert effect_turned("Does stress cause acne?", "Is acne caused by stress?") is None
    assert (
        effect_turned("Why does stress cause acne?", "Does acne worsen stress?") is None
    )  # no yes/no


@pytest.mark.parametrize(
    ("label", "question"),
    [
        ("Uber Eats refund - how do I get one?", "how do i get a refund from uber eats"),
        ("Costco membership refund: how do I get it?", "How do I get a Costco membership refund?"),
        (
            "Spotify family plan invite - how do I send one?",
            "how do I send a spotify family plan invite",
        ),
    ],
)
def test_a_topic_label_before_its_question_is_not_a_subject_and_verb(
    label: str, question: str
) -> None:
    """Terms that run straight into the question ("X Y Z - how ...") name its topic: no
    noun there acts at a verb."""
    assert case_moved(label, question) is None
    assert case_moved(question, label) is None


def test_a_comma_keeps_the_clause_before_a_question() -> None:
    assert (
        case_moved(
            "My roommate moved out, does he owe me rent?",
            "I moved out, does my roommate owe me rent?",
        )
        is not None
    )
    assert (
        case_moved(
            "The police search cars here, can I refuse?",
            "I search cars here, can the police refuse?",
        )
        is not None
    )


# A noun in a state ("my sponsor is bankrupt", "my mother is in hospital") in one text, the
# speaker in that state in the other; the noun owns the thing asked about there instead.
_STATE_MOVED = [
    (
        "Is a visa still valid if my sponsor is bankrupt?",
        "Is my sponsor's visa still valid if I am bankrupt?",
    ),
    (
        "does travel insurance cover a trip cancelled because my mother is in hospital",
        "does my mother's travel insurance cover her trip cancelled because I am in hospital",
    ),
    ("Is the lease void when my roommate is away?", "Is my roommate's lease void when I am away?"),
    # after a passive, the clause an opener starts is still read
    (
        "Will the mortgage be paid off if my wife dies?",
        "Will my wife's mortgage be paid off if I die?",
    ),
    (
        "Can the flight be refunded because my father is sick?",
        "Can my father's flight be refunded because I am sick?",
    ),
    ("Is the car covered when my son is driving?", "Is my son's car covered when I am driving?"),
]

# The same person in the same state, or a passive whose own clause is compared.
_STATE_KEPT = [
    (
        "Is my visa still valid if my sponsor is bankrupt?",
        "If my sponsor is bankrupt, is my visa still valid?",
    ),
    (
        "Will the mortgage be paid off if my wife dies?",
        "If my wife dies, will the mortgage be paid off?",
    ),
    (
        "does travel insurance cover a trip cancelled because my mother is in hospital",
        "is a trip cancelled because my mother is in hospital covered by travel insurance",
    ),
    (
        "can amex points be moved into my delta skymiles account",
        "Can I transfer Amex Membership Rewards points to Delta SkyMiles?",
    ),
    (
        "Your app logged me out and now says my account is locked after 5 attempts.",
        "app says account LOCKED after 5 tries... how long till I can log in again?",
    ),
]


@pytest.mark.parametrize(("a", "b"), _STATE_MOVED)
def test_a_state_moved_between_a_noun_and_the_speaker_is_a_role_change(a: str, b: str) -> None:
    assert case_moved(a, b) is not None and case_moved(b, a) is not None
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(("a", "b"), _STATE_KEPT)
def test_the_same_state_or_a_passive_clause_is_not_read_as_a_role_change(a: str, b: str) -> None:
    assert case_moved(a, b) is None and case_moved(b, a) is None
