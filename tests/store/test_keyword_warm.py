"""What ``warm_keywords`` reads ahead (every word's passage count, the common words' scores) is of
one version of the index: a file added, edited or removed, or a write rolled back, never leaves a
count or a ranking that differs from FTS5's own."""

import pytest

from ragbox.store import keyword

WORDS = ['"patient"', '"agreement"', '"the"', '"pressure"', '"zephyrine"', '"Blood"', '"l p"']
MATCHES = ['"patient" OR "pressure" OR "the" OR "notice"', '"zephyrine" OR "agreement" OR "blood"']


def _fts5_count(catalog, term: str) -> int:
    return catalog.db.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (term,)).fetchone()[0]


def _same_as_fts5(catalog, monkeypatch) -> None:
    """Every word's count and each query's summed ranking are FTS5's, whatever the memo holds."""
    for term in WORDS:
        assert catalog._term_count(term) == _fts5_count(catalog, term), term
    for match in MATCHES:
        for docs in (None, [d.doc_id for d in catalog.documents()][:2]):
            monkeypatch.setattr(keyword, "SUMMED_FROM_POSTINGS", 0)
            summed = catalog.lexical_search(match, 10, docs)
            monkeypatch.setattr(keyword, "SUMMED_FROM_POSTINGS", 10**9)
            assert summed == catalog.lexical_search(match, 10, docs), (match, docs)


@pytest.fixture
def warm_everything(monkeypatch):
    monkeypatch.setattr(keyword, "WARM_FROM_SHARE", 0.0)  # the sample's words are all "common"
    monkeypatch.setattr(keyword, "REWARM_AFTER", 3600)  # no reading again in the background, unless a test says


def test_warmed_counts_and_scores_follow_files_added_edited_and_removed(make_engine, docs, monkeypatch,
                                                                         warm_everything):
    engine = make_engine()
    engine.index([docs])
    catalog = engine.catalog
    catalog.warm_keywords()
    memo = catalog._keyword_memo
    assert memo["vocabulary"]["patient"] == _fts5_count(catalog, '"patient"') > 0
    assert ("token", "patient") in memo and ("token", "blood") in memo  # read ahead
    _same_as_fts5(catalog, monkeypatch)

    note = docs / "clinical_notes" / "2026-03-14_jane_doe_followup.txt"
    changes = [
        lambda: (docs / "added.txt").write_text("Zephyrine patient blood pressure notice. " * 40),
        lambda: note.write_text(note.read_text().replace("patient", "zephyrine")),
        lambda: (docs / "clinical_notes" / "2026-02-20_robert_kline_hypertension.txt").unlink(),
    ]
    for change in changes:
        change()
        summary = engine.index([docs])
        assert summary.indexed or summary.removed
        assert "vocabulary" not in catalog._term_stats()  # of the version before: dropped
        _same_as_fts5(catalog, monkeypatch)
        catalog.warm_keywords()  # read ahead again, for this version
        assert catalog._keyword_memo["vocabulary"].get("zephyrin", 0) == _fts5_count(catalog, '"zephyrine"')
        _same_as_fts5(catalog, monkeypatch)


def test_a_write_rolled_back_keeps_the_warmed_memo_right_and_a_new_process_reads_it_again(
        make_engine, docs, monkeypatch, warm_everything):
    engine = make_engine()
    engine.index([docs])
    catalog = engine.catalog
    catalog.warm_keywords()
    warmed = catalog._keyword_memo
    doc_id = catalog.documents()[0].doc_id
    with pytest.raises(RuntimeError):  # a run that fails after writing a passage: nothing of it stays
        with catalog.transaction() as db:
            db.execute("INSERT INTO chunks(chunk_id, doc_id, seq, page, char_start, char_end, title, section, text) "
                       "VALUES ('x:0', ?, 999, NULL, 0, 1, '', '', 'zephyrine zephyrine patient')", (doc_id,))
            raise RuntimeError("stopped halfway")
    _same_as_fts5(catalog, monkeypatch)
    assert catalog._keyword_memo is warmed and _fts5_count(catalog, '"zephyrine"') == 0

    engine.close()  # as a process that stopped: the memo is memory only, the next one reads it again
    again = make_engine()
    assert getattr(again.catalog, "_keyword_memo", None) is None
    again.catalog.warm_keywords()
    assert again.catalog._keyword_memo["vocabulary"] == warmed["vocabulary"]
    _same_as_fts5(again.catalog, monkeypatch)


def test_a_warmed_catalog_is_warmed_again_in_the_background_after_its_index_changed(make_engine, docs,
                                                                                   monkeypatch, warm_everything):
    monkeypatch.setattr(keyword, "REWARM_AFTER", 0.0)
    engine = make_engine()
    engine.index([docs])
    catalog = engine.catalog
    assert catalog.warm_keywords()
    (docs / "added.txt").write_text("Zephyrine patient blood pressure notice. " * 40)
    engine.index([docs])
    catalog._term_stats()  # the version before is dropped, and read again in a thread
    rewarming = catalog._rewarming
    if rewarming is not None:  # else it ended already
        rewarming.join(timeout=60)
    memo = catalog._term_stats()
    assert memo["vocabulary"]["zephyrin"] == _fts5_count(catalog, '"zephyrine"') > 0 and ("token", "zephyrin") in memo
    _same_as_fts5(catalog, monkeypatch)
    engine.close()
    assert not catalog._kept_warm  # closed: no thread reads it again
