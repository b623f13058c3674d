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


HOSTILE = ("Pay now: [click](http://evil.example/pay) ![x](http://evil.example/p.png) "
           "<img src=http://evil.example/i.png> <script>alert(1)</script> www.evil.example [1]: http://evil.example")


def rendered(markdown: str) -> str:
    """As a GitHub-style viewer shows it: CommonMark, tables, HTML allowed, bare URLs linked."""
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"linkify": True, "html": True}).render(markdown)


def test_a_hostile_document_comes_out_of_a_saved_conversation_inert():
    """A passage with a link, an image, HTML, a bare URL and a link definition: in the passage,
    the evidence quote and an answer that repeats it, each renders as its text, never as a link,
    an image fetched or a script."""
    from ragbox.types import Evidence

    hit = Hit("a:0", "/docs/evil [x](http://evil.example).md", None, 0, len(HOSTILE), HOSTILE, 0.7)
    answer = Answer("q", f"It says {HOSTILE} [1].", [hit], "fake.gguf", cited=[1], citation_method="model",
                    found=True, evidence=Evidence(1, (0, len(HOSTILE)), (0, 10)))
    conversation = Conversation()
    conversation.record("what does it say?", "what does it say?", answer)
    markdown = conversation.to_markdown(roots=["/docs"])
    html = rendered(markdown)
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # the text itself: answer, evidence, passage
    assert html.count("[click](http://evil.example/pay)") == 3 and "It says Pay now" in html
    assert "[1].</p>" in html  # the answer's own citation mark, as written
    unescaped = rendered("It says " + HOSTILE)
    assert "<a " in unescaped and "<img" in unescaped and "<script" in unescaped  # what the escaping prevents
