"""Reading a query: its context clause, its question part and the keyword expression."""

import pytest

from ragbox.search.query import fts_query, question_part, question_terms, split_query
from ragbox.text import PASSAGE_STOPWORDS, stems


@pytest.mark.parametrize("query, question", [
    ('Consider the NDA between "Acme" and "Bolt"; What is the notice period?', "What is the notice period?"),
    ("In the Acme NDA. What is the notice period?", "What is the notice period?"),
    ("What is the notice period in the Acme NDA?", "What is the notice period in the Acme NDA?"),
    ("Acme NDA; term?", "Acme NDA; term?"),  # a one-word last clause is no question on its own
    ("Section 12.3 termination", "Section 12.3 termination"),  # "12.3" is no sentence end
    # a name's full stop ends no clause: the whole question asks
    ("Which law governs the agreement between SONY INC. and GSI TECHNOLOGY, INC.?",
     "Which law governs the agreement between SONY INC. and GSI TECHNOLOGY, INC.?"),
    ("When does the agreement with Mr. Gu Xianwin and Ms. Chen Weijie end?",
     "When does the agreement with Mr. Gu Xianwin and Ms. Chen Weijie end?"),
    ("Consider the NDA between Acme Inc. and Bolt Co.; what is the term?", "what is the term?"),
])
def test_question_part(query, question):
    assert question_part(query) == question


def test_split_query_keeps_the_context_verbatim():
    context, question = split_query('Consider the NDA between "Acme" and "Bolt"; What is the term?')
    assert (context, question) == ('Consider the NDA between "Acme" and "Bolt";', "What is the term?")
    assert split_query("What is the term?") == ("", "What is the term?")


def test_question_terms_drop_references_to_the_document_itself():
    assert question_terms("Is there a cap on liability under this contract?", PASSAGE_STOPWORDS) == ["cap", "liabi"]
    assert stems("Terminated licences", PASSAGE_STOPWORDS) == ["termi", "licen"]


def test_optional_phrases_rank_without_filtering():
    assert fts_query("notice period", ["Acme Rockets"]) == '"Acme Rockets" OR "notice" OR "period"'
    assert fts_query('"written notice" period') == '"written notice" AND ("written notice" OR "period")'
