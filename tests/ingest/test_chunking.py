import re

import pytest

from ragbox.bundled import embedding_model_dir
from ragbox.ingest.chunking import Chunker, heading_at
from ragbox.ingest.loaders import load
from ragbox.store.tokens import ModelTokenizer
from ragbox.types import Page

from support import SAMPLE_DOCS


@pytest.fixture(scope="module")
def tokenizer():
    return ModelTokenizer(embedding_model_dir())


@pytest.fixture(scope="module")
def chunker(tokenizer):
    return Chunker(tokenizer, tokenizer.max_tokens, overlap_tokens=40)


def test_limit_comes_from_the_model(tokenizer):
    assert tokenizer.max_tokens == 254  # all-MiniLM-L6-v2: 256 positions less [CLS] and [SEP]


@pytest.mark.parametrize("path", sorted(p for p in SAMPLE_DOCS.rglob("*") if p.is_file()), ids=lambda p: p.name)
def test_offsets_exact_limit_kept_and_every_character_covered(path, chunker, tokenizer):
    pages = load(path).pages
    chunks = chunker.chunk_pages(pages)
    by_number = {p.number: p.text for p in pages}
    covered = {n: set() for n in by_number}
    for chunk in chunks:
        assert by_number[chunk.page][chunk.char_start:chunk.char_end] == chunk.text
        covered[chunk.page].update(range(chunk.char_start, chunk.char_end))
    assert max(tokenizer.counts([c.text for c in chunks])) <= tokenizer.max_tokens
    for number, text in by_number.items():
        missing = [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered[number]]
        assert not missing, f"page {number}: characters never embedded at {missing[:5]}"


def test_long_text_without_breaks_is_split_within_the_limit(chunker, tokenizer):
    text = ("x" * 3000) + " " + " ".join(f"word{i}" for i in range(2000)) + " " + "é" * 5000
    chunks = chunker.chunk_pages([Page(None, text)])
    assert len(chunks) > 10
    assert max(tokenizer.counts([c.text for c in chunks])) <= tokenizer.max_tokens
    assert all(text[c.char_start:c.char_end] == c.text for c in chunks)
    covered = set()
    for c in chunks:
        covered.update(range(c.char_start, c.char_end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_chunks_respect_sentences(chunker):
    sentences = [f"Sentence number {i} says something about clause {i}." for i in range(120)]
    chunks = chunker.chunk_pages([Page(None, " ".join(sentences))])
    assert len(chunks) > 2
    for chunk in chunks:
        assert chunk.text.startswith("Sentence number") and chunk.text.endswith(".")


def test_sections_are_carried_and_start_new_chunks(chunker):
    body = " ".join(f"The provider shall keep record {i} for audit purposes." for i in range(30))
    text = f"7. Term and Termination\n{body}\n\n8. Governing Law\nThis Agreement is governed by Delaware law."
    chunks = chunker.chunk_pages([Page(1, text)])
    assert chunks[0].section.startswith("7. Term and Termination")
    last = chunks[-1]
    assert last.text.startswith("8. Governing Law") and last.section == "8. Governing Law"
    assert all("8. Governing Law" not in c.text for c in chunks[:-1])


@pytest.mark.parametrize("line, title", [
    ("## Plan\n", "Plan"),
    ("ARTICLE IV - PAYMENT\n", "ARTICLE IV - PAYMENT"),
    ("12.3 Termination for Convenience\n", "12.3 Termination for Convenience"),
    ("ASSESSMENT AND PLAN:\n", "ASSESSMENT AND PLAN"),
    ("2.1 The Receiving Party shall not disclose it.\n", ""),
    ("The parties agree as follows.\n", ""),
])
def test_heading_detection(line, title):
    assert heading_at(line, 0) == title


def test_nda_termination_clause_chunk_knows_its_section(chunker):
    pages = load(SAMPLE_DOCS / "contracts" / "mutual_nda_northwind_bluefin.pdf").pages
    chunk = next(c for c in chunker.chunk_pages(pages) if "thirty (30) days' written notice" in c.text)
    assert chunk.page == 3
    assert "7. Term and Termination" in chunk.section
    assert re.search(r"7\.2 Either party may terminate", chunk.text)


def test_structure_can_be_switched_off(tokenizer):
    body = " ".join(f"The provider shall keep record {i} for audit purposes." for i in range(30))
    text = f"7. Term and Termination\n{body}\n\n8. Governing Law\nThis Agreement is governed by Delaware law."
    plain = Chunker(tokenizer, tokenizer.max_tokens, 40, structure=False).chunk_pages([Page(1, text)])
    assert all(c.section == "" for c in plain)
    assert not any(c.text.startswith("8. Governing Law") for c in plain)


class SpyTokenizer:
    """The real tokenizer, recording the longest text it was asked to split at once."""

    def __init__(self, inner):
        self.inner = inner
        self.longest = 0

    def spans(self, text):
        self.longest = max(self.longest, len(text))
        return self.inner.spans(text)

    def encoded(self, text):
        self.longest = max(self.longest, len(text))
        return self.inner.encoded(text)

    def ids(self, texts):
        self.retokenised = getattr(self, "retokenised", 0) + len(texts)
        return self.inner.ids(texts)


def test_a_huge_page_is_tokenized_block_by_block_with_exact_offsets(tokenizer, monkeypatch):
    import ragbox.ingest.chunking as chunking

    monkeypatch.setattr(chunking, "BLOCK_CHARS", 50_000)  # the real 1,000,000, scaled down to stay quick
    paragraph = ("The tenant shall keep the premises in good repair and return them in the same state. "
                 "Rent is payable monthly in advance on the first day of each month. ") * 6
    line = "x" * 120_000  # a run with no space and no newline is cut anywhere
    text = "\n\n".join([paragraph] * 120) + "\n" + line + "\n" + "\n\n".join([paragraph] * 40)
    spy = SpyTokenizer(tokenizer)
    chunks = Chunker(spy, 96, overlap_tokens=24).chunk_pages([Page(None, text)])
    assert len(text) > 3 * chunking.BLOCK_CHARS and spy.longest <= chunking.BLOCK_CHARS
    assert all(text[c.char_start:c.char_end] == c.text for c in chunks)
    assert max(tokenizer.counts([c.text for c in chunks])) <= 96
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.char_start, chunk.char_end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert [c.char_start for c in chunks] == sorted(c.char_start for c in chunks)


def test_a_page_under_the_block_size_is_chunked_as_one_piece(chunker, monkeypatch):
    import ragbox.ingest.chunking as chunking

    pages = load(SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf").pages
    blocks = chunker.chunk_pages(pages)
    monkeypatch.setattr(chunking, "BLOCK_CHARS", 10**12)
    assert chunker.chunk_pages(pages) == blocks


def test_a_page_is_tokenised_once_and_its_chunks_get_the_ids_they_would_get_alone(tokenizer):
    """A chunk between word boundaries takes its ids from its page's tokens; one cut inside a word
    (a run with no space), or beside a character the tokenizer deletes (\x1c, which str.isspace
    calls a space), is tokenised alone. Either way its ids are those of its text alone."""
    pages = [page for path in sorted(SAMPLE_DOCS.rglob("*")) if path.is_file() for page in load(path).pages]
    odd = ("Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00a0(see \u00a712.3(b)) ... " * 30 + "x" * 2_000 + " tail. "
           + "word\x1cjoined " * 200)
    pages.append(Page(99, odd))
    spy = SpyTokenizer(tokenizer)
    chunks = Chunker(spy, 96, overlap_tokens=24).chunk_pages(pages)
    assert [list(c.token_ids) for c in chunks] == tokenizer.ids([c.text for c in chunks])
    assert 0 < spy.retokenised < len(chunks) / 4  # only the chunks cut inside a word were tokenised again
