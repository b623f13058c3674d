"""The conversation record: what the app saves and copies as Markdown."""

from ragbox.conversation.transcript import Conversation
from ragbox.types import Answer, Hit


def _answer() -> Answer:
    hits = [Hit("a:0", "/docs/contracts/msa.pdf", 2, 10, 40, "This Agreement renews automatically.", 0.61234),
            Hit("b:0", "/docs/notes/visit.md", None, 0, 12, "Follow up in two weeks.", 0.4)]
    return Answer("q", "It renews automatically [1].", hits, "fake.gguf", cited=[1], citation_method="model")


def test_markdown_export_has_question_answer_and_numbered_sources():
    conversation = Conversation()
    conversation.record("and the renewal?", "Acme: and the renewal?", _answer(), where="contracts/**")
    text = conversation.to_markdown(roots=["/docs"], index="default")
    assert text.startswith("# ragbox conversation")
    assert "## and the renewal?" in text and "*Searched for: Acme: and the renewal?*" in text
    assert "*Scope: `contracts/**`*" in text
    assert "It renews automatically [1]." in text
    assert "1. [1] contracts/msa.pdf, page 2 · score 0.61 (cited)" in text
    assert "2. [2] notes/visit.md · score 0.40\n" in text
    assert "   > This Agreement renews automatically." in text
    assert "/docs/" not in text
