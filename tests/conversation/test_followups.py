"""Follow-up questions made standalone for retrieval, by rule."""

from ragbox.conversation.followups import is_follow_up, key_terms, standalone_query

MSA_Q = "How can the Acme Globex services agreement be terminated?"


def test_follow_up_gets_the_previous_key_terms():
    assert standalone_query([MSA_Q], "and what about the renewal term?") == \
        "Acme Globex services agreement: and what about the renewal term?"
    assert standalone_query([MSA_Q], "How long does it last?").startswith("Acme Globex services agreement: ")
    assert standalone_query([MSA_Q], "what about that clause?").startswith("Acme Globex")


def test_standalone_questions_are_left_alone():
    question = "What does the Northwind Bluefin NDA say about remedies?"
    assert not is_follow_up(question)
    assert standalone_query([MSA_Q], question) == question
    assert standalone_query([], "and the renewal term?") == "and the renewal term?"


def test_short_questions_count_as_follow_ups_but_not_when_they_name_something():
    assert is_follow_up("What is the notice period?")
    assert not is_follow_up("What is the Bluefin notice period?")


def test_terms_already_mentioned_are_not_repeated():
    assert standalone_query([MSA_Q], "and the Acme Globex services agreement renewal?") == \
        "and the Acme Globex services agreement renewal?"


def test_key_terms_prefer_names_and_quotes_then_content_words():
    assert key_terms('What is "Confidential Information" in the NDA?') == ["Confidential Information", "NDA"]
    assert key_terms("Dr. Patel prescribed what to Jane Doe at the follow-up visit?")[:2] == ["Dr Patel", "Jane Doe"]
    assert key_terms("what is the late fee for rent?") == ["late", "fee", "rent"]


def test_chained_follow_ups_keep_the_original_subject():
    history = [MSA_Q, standalone_query([MSA_Q], "and the renewal term?")]
    assert standalone_query(history, "is it automatic?").startswith("Acme Globex services agreement")
