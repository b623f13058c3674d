"""Tying an answer to its sources by wording, and the sentence each source is quoted by."""

from ragbox.answer.citations import best_quote, supporting_sources, with_quotes
from ragbox.types import Answer, Hit


def hit(text: str, path: str = "/d/contract.pdf") -> Hit:
    return Hit("id", path, 1, 0, len(text), text, 0.5)


SOURCES = [
    hit("Invoices are payable within forty-five (45) days of receipt. Late payments bear interest."),
    hit("Either party may terminate this Agreement at any time by giving thirty (30) days' written notice."),
    hit("This Agreement is governed by the laws of the State of Delaware."),
]


def test_an_answer_repeating_a_sources_words_is_tied_to_it():
    answer = "Either party may terminate this Agreement by giving thirty (30) days' written notice."
    assert supporting_sources(answer, SOURCES) == [2]


def test_an_answer_with_invented_wording_is_tied_to_no_source():
    assert supporting_sources("Notice must be given within 30 days of signing the contract.", SOURCES) == []


def test_half_of_the_answers_trigrams_is_the_threshold():
    # 4 words -> 2 trigrams; exactly one of them ("the state of") is in source 3.
    assert supporting_sources("the state of Oregon", SOURCES) == [3]
    assert supporting_sources("the state of Oregon", SOURCES, min_overlap=0.51) == []


def test_sources_are_ordered_by_overlap_and_citation_marks_are_ignored():
    two = [hit("renews for one year"), hit("the agreement renews for one year unless notice is given")]
    assert supporting_sources("The agreement renews for one year unless notice is given [1].", two) == [2]
    assert supporting_sources("renews for one year [2]", two) == [1, 2]  # a tie: the higher-ranked first
    assert supporting_sources("", two) == [] and supporting_sources("[1]", two) == []


def test_the_quote_is_the_sentence_sharing_most_words_with_the_question():
    passage = hit("Section 7. Term. The term is two years. Either party may terminate on thirty (30) days' notice.")
    start, end = best_quote(passage, "How can either party terminate?")
    assert passage.text[start:end] == "Either party may terminate on thirty (30) days' notice."


def test_with_quotes_sets_a_quote_per_source_and_evidence_only_when_nothing_is_cited():
    invented = with_quotes(Answer("How can either party terminate?", "By fax.", SOURCES, "m"))
    assert len(invented.quotes) == 3 and invented.evidence == SOURCES[0].text[slice(*invented.quotes[0])]
    cited = with_quotes(Answer("How can either party terminate?", "With notice [2].", SOURCES, "m", cited=[2]))
    assert cited.evidence is None and cited.quote_of(2) == SOURCES[1].text
