"""The UI-independent parts: follow-up queries, Markdown export, summaries and small helpers."""


from ragbox.conversation import Conversation, Turn, is_follow_up, key_terms, relative_path, standalone_query
from ragbox.documents import Answer, Hit
from ragbox.indexer import IndexSummary
from ragbox.retrieval import path_matches
from ragbox.tui.formatting import format_index_summary, glob_escape, when_indexed
from ragbox.tui.widgets.chat import link_citations

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


def _answer() -> Answer:
    hits = [Hit("a:0", "/docs/contracts/msa.pdf", 2, 10, 40, "This Agreement renews automatically.", 0.61234),
            Hit("b:0", "/docs/notes/visit.md", None, 0, 12, "Follow up in two weeks.", 0.4)]
    return Answer("q", "It renews automatically [1].", hits, "fake.gguf", cited=[1], citation_method="model")


def test_markdown_export_has_question_answer_and_numbered_sources():
    conversation = Conversation()
    conversation.add(Turn("and the renewal?", "Acme: and the renewal?", _answer(), where="contracts/**"))
    text = conversation.to_markdown(roots=["/docs"], index="default")
    assert text.startswith("# ragbox conversation")
    assert "## and the renewal?" in text and "*Searched for: Acme: and the renewal?*" in text
    assert "*Scope: `contracts/**`*" in text
    assert "It renews automatically [1]." in text
    assert "1. [1] contracts/msa.pdf, page 2 · score 0.61 (cited)" in text
    assert "2. [2] notes/visit.md · score 0.40\n" in text
    assert "   > This Agreement renews automatically." in text
    assert "/docs/" not in text


def test_relative_path_and_glob_escape():
    assert relative_path("/a/b/c.pdf", ["/a", "/a/b"]) == "c.pdf"
    assert relative_path("/x/y.pdf", ["/a"]) == "/x/y.pdf"
    odd = "notes/[draft] what?.md"
    assert path_matches("/root/" + odd, glob_escape(odd))
    assert not path_matches("/root/notes/d what?.md", glob_escape(odd))


def test_index_summary_matches_the_cli_wording():
    summary = IndexSummary(indexed=["/d/a.pdf"], unchanged=6, skipped={"/d/x.docx": "unsupported type '.docx'"},
                           pages=3, chunks=9, seconds=1.25)
    assert format_index_summary(summary, ["/d"]) == (
        "Indexed 1 file(s), 6 unchanged, 0 renamed, 0 removed, 1 skipped; 3 pages, 9 new chunks in 1.2s.\n"
        "  skipped x.docx: unsupported type '.docx'")


def test_citations_become_links_only_for_real_sources():
    assert link_citations("A [1] and [7] and [2](x)", 3, 2) == "A [\\[1\\]](source:3:1) and [7] and [2](x)"


def test_when_indexed():
    assert when_indexed(1000, now=1030) == "just now"
    assert when_indexed(1000, now=1000 + 300) == "5 min ago"
    assert when_indexed(1000, now=1000 + 7200) == "2 h ago"
