"""Quoting each source by the sentence that answers."""

from ragbox.answer.citations import best_quote, with_quotes
from ragbox.types import Answer, Evidence, Hit


def hit(text: str, path: str = "/d/contract.pdf") -> Hit:
    return Hit("id", path, 1, 0, len(text), text, 0.5)


def test_the_quote_is_the_sentence_sharing_most_words_with_the_question():
    passage = hit("Section 7. Term. The term is two years. Either party may terminate on thirty (30) days' notice.")
    start, end = best_quote(passage, "How can either party terminate?")
    assert passage.text[start:end] == "Either party may terminate on thirty (30) days' notice."


def test_words_of_the_file_name_do_not_pick_the_quote():
    passage = hit("Acme Rockets and Bolt Freight sign here. Either party may terminate on notice.",
                  path="/d/acme_rockets_bolt_freight.pdf")
    start, end = best_quote(passage, "How can the Acme Rockets Bolt Freight agreement be terminated?")
    assert passage.text[start:end] == "Either party may terminate on notice."


def test_the_evidence_source_is_quoted_by_the_evidence_sentence():
    sources = [hit("The term is two years. Fees are due monthly."), hit("Governed by Delaware law.")]
    answer = with_quotes(Answer("When are fees due?", "Monthly [1]", sources, "m", cited=[1],
                                evidence=Evidence(1, (23, 45), (40, 47))))
    assert answer.quote_of(1) == "Fees are due monthly."
    assert answer.quote_of(2) == "Governed by Delaware law."
