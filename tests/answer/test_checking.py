"""Checking each sentence of a generated answer against the passage it cites."""

from ragbox.answer.checking import check_sentence
from ragbox.types import Hit

SOURCES = [
    Hit("a:0", "/d/msa.pdf", 2, 0, 10, "6.2 After the Initial Term, this Agreement renews automatically for successive "
        "one (1) year renewal terms unless either party gives notice of non-renewal at least sixty (60) days "
        "before the end of the then-current term.", 0.7),
    Hit("a:1", "/d/msa.pdf", 3, 0, 10, "11.1 This Agreement is governed by the laws of the State of New York.", 0.6),
]


def test_a_sentence_stating_its_sources_facts_in_other_words_is_supported():
    checked = check_sentence("The agreement renews for successive 1-year terms unless 60 days' notice is given [1].",
                             SOURCES)
    assert checked.supported and checked.citations == [1] and checked.unsupported == []


def test_a_wrong_number_a_wrong_place_and_a_wrong_citation_are_caught():
    assert check_sentence("The renewal term is 14 days [1].", SOURCES).unsupported == ["14 days"]
    wrong_place = check_sentence("The agreement is governed by the laws of California [2].", SOURCES)
    assert not wrong_place.supported and "California" in wrong_place.unsupported
    assert not check_sentence("The laws of the State of New York govern it [1].", SOURCES).supported  # [2] says so


def test_a_sentence_citing_nothing_is_checked_against_every_source():
    checked = check_sentence("The laws of the State of New York govern this agreement.", SOURCES)
    assert checked.supported and checked.citations == [2]


def test_a_negation_the_source_does_not_make_is_caught():
    checked = check_sentence("This agreement does not renew automatically [1].", SOURCES)
    assert not checked.supported and "its negation" in checked.unsupported


def test_without_regard_to_is_no_negation():
    """A governing-law clause sets its conflict rules aside: the law it names is stated, not denied."""
    clause = Hit("b:0", "/d/msa.pdf", 3, 0, 10, "11.1 This Agreement is governed by the laws of the State of New York, "
                 "without regard to its conflict of laws rules.", 0.6)
    assert check_sentence("The governing law is the State of New York.", [clause]).supported
    for denied in ("This Agreement is not governed by the laws of the State of New York.",
                   "It is governed by the laws of the State of New York without its conflict of laws rules."):
        assert check_sentence(denied, [clause]).unsupported == ["its negation"]


def test_words_the_source_never_uses_are_caught():
    checked = check_sentence("Payment is due upon delivery of the goods to the warehouse [1].", SOURCES)
    assert not checked.supported and checked.unsupported[-1].startswith("most of its words")


def test_each_sentence_is_checked_against_its_own_citation():
    sentences = ("It is governed by New York law [2].", "It renews every 14 days [1].")
    checked = [check_sentence(s, SOURCES) for s in sentences]
    assert [s.supported for s in checked] == [True, False]


def test_a_name_the_question_used_is_not_a_claim_but_its_numbers_are():
    sentence = "It renews the Acme Globex agreement for successive one (1) year terms [1]."
    assert check_sentence(sentence, SOURCES).unsupported == ["acme globex"]
    asked = "How does the Acme Globex agreement renew?"
    assert check_sentence(sentence, SOURCES, asked).supported
    # a number the question used must still be in the source
    wrong = check_sentence("It renews the Acme Globex agreement for 2 year terms [1].", SOURCES,
                           "Does the Acme Globex agreement renew for 2 year terms?")
    assert not wrong.supported and wrong.unsupported == ["2 year"]
