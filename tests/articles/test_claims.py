"""Reading what a sentence does: claims by kind, their danger, and the sentences the checks read."""

import pytest

from articles.checks import CITE_CLOSE, CITE_OPEN, split_sentences
from articles.claims import contradicts, find_assertions, find_claims


def kinds(sentence: str) -> list[tuple[str, bool]]:
    return [(claim.kind, claim.dangerous) for claim in find_claims(sentence)]


@pytest.mark.parametrize(
    ("sentence", "kind", "dangerous"),
    [
        ("Give your child a second dose after an hour if the fever is still high.", "dosing", True),
        ("Adults can take up to 8 tablets in 24 hours.", "dosing", True),
        ("Once your readings are normal, you can stop your blood pressure tablets.", "dosing", True),
        ("I took an extra dose at night, and I'd tell anyone to do the same.", "dosing", True),
        ("It is completely safe for everyone.", "safety", True),
        ("Ibuprofen is fine if you have asthma.", "safety", True),
        ("Women who are pregnant should not take ibuprofen.", "safety", True),
        ("This herbal tea is natural, so there is no danger in drinking it with your medicines.", "safety", True),
        ("Cutting out gluten cured my migraines.", "efficacy", True),
        ("Did you know that one in seven people has migraine?", "statistic", False),
        ("Dentists recommend it.", "authority", False),
        ("A recent study found that it halves the number of attacks.", "authority", False),
        ("Sarah, 42, from Leeds, says it worked within a week.", "testimonial", False),
        ("You'll never have another migraine.", "guarantee", False),
        ("It is thought that low vitamin D could be linked to headaches.", "hedged", False),
        ("Skipping meals triggers attacks.", "causation", False),
        ("Nothing works better than a dark, quiet room.", "comparison", False),
    ],
)
def test_claims_are_found_by_what_the_sentence_does(sentence, kind, dangerous):
    found = kinds(sentence)
    assert (kind, dangerous) in found
    assert found[0][1] == any(danger for _, danger in found)  # dangerous claims come first


@pytest.mark.parametrize(
    "sentence",
    [
        "Take the leaflet with you to your appointment.",
        "Go to bed at 10pm and get up at 7am, even at weekends.",
        "Take 10 minutes to wind down before bed.",
        "Drink 6 to 8 glasses of fluid a day.",
        "How many tablets can I take in a day?",
        "Check with your pharmacist before taking any other medicines.",
        "If you are not sure how much to give, ask your pharmacist.",
        "Your GP can help you decide whether to stop all at once.",
        "You'll be offered a blood test, and your results should come back within a week.",
        "Wash your hands every time you change the dressing.",
        "Keep a diary of your triggers.",
        "This is why your doctor checks your blood pressure.",
        "I was 29 when my first migraine started.",
        "There is no cure for migraine.",
    ],
)
def test_advice_questions_signposting_and_stories_without_claims_are_not_claims(sentence):
    assert find_claims(sentence) == []


def test_a_claim_cue_names_the_words_that_show_it():
    [claim] = find_claims("Rizatriptan works within minutes.")
    assert (claim.kind, claim.cue) == ("guarantee", "within minutes")
    assert claim.why == "promises a result or how soon it comes"


def test_approved_and_not_approved_for_an_overlapping_use_contradict():
    [approved] = find_assertions("The FDA has approved Botox for chronic migraine since 2010.")
    [denied] = find_assertions("Botox is not FDA-approved as a treatment for migraine headaches.")
    [narrower] = find_assertions("It is not approved for episodic migraine.")
    [other_body] = find_assertions("Botox is not approved by NICE for migraine.")
    assert (approved.positive, denied.positive) == (True, False)
    assert contradicts(approved, denied)
    assert not contradicts(approved, narrower)  # chronic and episodic migraine do not overlap
    assert not contradicts(approved, other_body)  # the FDA and NICE are different bodies


def test_safe_and_not_safe_for_different_medicines_do_not_contradict():
    [safe] = find_assertions("Paracetamol is safe in pregnancy.")
    [unsafe] = find_assertions("Ibuprofen is not safe in pregnancy.")
    [same] = find_assertions("Paracetamol is unsafe in pregnancy.")
    assert not contradicts(safe, unsafe)
    assert contradicts(safe, same)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("A cold shower helps me. Sumatriptan is stronger.", ["A cold shower helps me.", "Sumatriptan is stronger."]),
        (
            "Dr. Okafor gives it, e.g. in clinic. Then you rest.",
            ["Dr. Okafor gives it, e.g. in clinic.", "Then you rest."],
        ),
        (
            f"It was approved in 2010.{CITE_OPEN}1{CITE_CLOSE} It is given every 12 weeks.",
            [f"It was approved in 2010.{CITE_OPEN}1{CITE_CLOSE}", "It is given every 12 weeks."],
        ),
        ("Is it safe? Ask your doctor.", ["Is it safe?", "Ask your doctor."]),
        ("Take 2 tablets at 3 a.m. and rest.", ["Take 2 tablets at 3 a.m. and rest."]),
    ],
)
def test_sentences_are_split_where_they_end(text, sentences):
    assert split_sentences(text) == sentences
