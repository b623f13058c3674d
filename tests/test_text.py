"""The one text toolkit: words, stems, quoted phrases, sentences and citation marks."""

import re

from ragbox.text import (
    FUNCTION_WORDS,
    PASSAGE_STOPWORDS,
    STOPWORDS,
    cited_numbers,
    quote,
    quoted_phrases,
    sentence_spans,
    stems,
    without_quoted,
    words,
)


def test_words_and_stems():
    assert words("HbA1c 7.8%, Müller's BP") == ["hba1c", "7", "8", "müller", "s", "bp"]
    assert stems("Terminated licences under the agreement") == ["termi", "licen", "agree"]
    # a short word's plural is its singular; "process", "status", "his" keep their "s"
    assert stems("laws law terms term process status analysis") == ["law", "law", "term", "term", "proce", "statu",
                                                                    "analy"]
    assert STOPWORDS < PASSAGE_STOPWORDS < FUNCTION_WORDS


def test_quoted_phrases_straight_and_curly():
    text = 'the "Confidential  Information" and the \u201cParties\u201d, not the parties\' rights'
    assert quoted_phrases(text) == ["Confidential Information", "Parties"]
    assert quoted_phrases(text, curly=False) == ["Confidential Information"]
    assert without_quoted('a "b c" d') == "a   d"


def test_sentence_spans_break_at_ends_blank_lines_and_list_items():
    text = "First one. Second one; third\n\n- item one\n- item two"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "First one.", "Second one; third", "- item one", "- item two"]
    assert sentence_spans("Section 12.3 applies.") == [(0, 21)]  # "12.3" does not end a sentence


def test_cited_numbers_ignore_out_of_range_and_repeats():
    assert cited_numbers("Thirty days [2], see also [1] and [2] and [9].", 3) == [2, 1]


def test_quote_folds_and_cuts_at_a_word():
    assert quote("a  b\nc") == "a b c"
    assert quote("alpha beta gamma", limit=12) == "alpha beta…"


def test_document_nouns_make_alternations_each_use_matching_only_its_part():
    from ragbox.text import CONTRACT_TITLE_NOUNS, FOLLOW_UP_NOUNS, NAMING_NOUNS, TITLE_NOUNS, alternation
    titles = re.compile(rf"\b(?:{alternation(TITLE_NOUNS, upper=True)})\b")
    assert titles.findall("MASTER STATEMENT OF WORK and the GUARANTEE, not a Statement of Work") == [
        "STATEMENT OF WORK", "GUARANTEE"]
    assert alternation(CONTRACT_TITLE_NOUNS) == "agreement|contract|amendment|addendum|lease"
    # a follow-up points back at "that plan"; to the resolver "the Medicare plan" names no document
    naming = re.compile(rf"\bthe\s+(\w+)\s+(?:{alternation(NAMING_NOUNS)})\b")
    follow_up = re.compile(rf"\bthe\s+(\w+)\s+(?:{alternation(FOLLOW_UP_NOUNS)})\b")
    assert not naming.search("What does the Medicare plan cover?")
    assert follow_up.search("What does the Medicare plan cover?")
